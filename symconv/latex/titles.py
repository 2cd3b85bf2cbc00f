"""Human titles and statement formulas of the theorems, in the notes' words (data).

The registry names theorems by their conclusion (``conv_eq_corr_rot180``);
a lecturer's chapter names them as the notes do ("Convolution is
cross-correlation with the flipped kernel", 卷积是翻转卷积核的互相关).
:data:`TITLES` maps a theorem name to its English and Chinese titles and,
where the registry's Unicode statement does not read well as a formula,
the statement in LaTeX.  A theorem that is not in the table still gets a
title, derived from its registry entry by :func:`title`: so a theorem added
to the registry appears in the chapter without touching this file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from ..theorems.registry import Theorem

__all__ = ["TITLES", "Title", "family_stem", "formula", "split_statement", "title"]


class Title(NamedTuple):
    """A theorem's title in English and Chinese, and optionally its statement in LaTeX (notes' notation)."""

    en: str
    zh: str
    formula: str = ""


_WIDE_CORR, _WIDE_CONV, _ROT = r"\tilde{*}", r"\tilde{\otimes}", r"\operatorname{rot180}"
_OUT = r"o = \left\lfloor \frac{%s}{s} \right\rfloor + 1"

#: Theorem name -> title (English, Chinese) and statement formula; theorems not listed get a derived title.
TITLES: Mapping[str, Title] = MappingProxyType(
    {
        "shift_equivariance_circular": Title(
            "Circular padding: shifting the input shifts the output", "循环填充：平移输入即平移输出"
        ),
        "shift_equivariance_interior": Title(
            "Zero padding: shifts commute away from the border", "零填充：边界以外平移与互相关可交换"
        ),
        "shift_equivariance_zero_padding": Title(
            "The literal equivariance: false at the border", "字面意义的平移等变：在边界处不成立"
        ),
        "shift_invariance": Title(
            "The literal claim “convolution is translation invariant”", "字面说法“卷积具有平移不变性”"
        ),
        "fc_to_corr": Title(
            "Translation invariance and locality make a layer a correlation", "平移不变性与局部性使全连接层成为互相关"
        ),
        "fc_to_corr_params": Title("Parameters: fully connected, shared, local", "参数数量：全连接、共享、局部"),
        "separable_kernel": Title("Separable kernels: one pass per axis", "可分离卷积核：每个轴一次"),
        "corr_bilinear": Title("Correlation is linear in each argument", "互相关对每个参数都是线性的"),
        "circular_conv_theorem": Title("The convolution theorem for circular convolution", "循环卷积的卷积定理"),
        "corr_eq_toeplitz_matmul": Title(
            "Correlation is a product with a Toeplitz matrix", "互相关是与 Toeplitz 矩阵的乘积"
        ),
        "corr_eq_im2col_matmul": Title("Im2col: one matrix product per layer", "im2col：每层一次矩阵乘法"),
        "stacked_conv_eq_single": Title("Two stacked correlations are one", "两个堆叠的互相关等于一个"),
        "stacked_conv_params": Title("Stacked small kernels need fewer weights", "堆叠的小卷积核参数更少"),
        "full_conv_assoc": Title("Wide convolution is associative", "宽卷积满足结合律"),
        "dilation_eq_zero_insertion": Title(
            "A dilated kernel is a larger kernel with holes", "空洞卷积核是插零后的更大卷积核"
        ),
        "stride_eq_subsample": Title("Stride is subsampling", "步长即下采样"),
        "max_pool_shift_invariance": Title(
            "The literal claim “max pooling is translation invariant”", "字面说法“最大池化具有平移不变性”"
        ),
        "max_pool_window_permutation": Title(
            "Max pooling ignores the order inside a window", "最大池化与窗口内元素的顺序无关"
        ),
        "avg_pool_eq_corr": Title(
            "Average pooling is a correlation with a constant kernel", "平均池化是与常数卷积核的互相关"
        ),
        "corr_adjoint_transpose": Title("The transposed convolution is the adjoint", "转置卷积是伴随算子"),
        "grad_input_eq_toeplitz_transpose": Title(
            "The input gradient is the transposed matrix", "输入的梯度是转置矩阵的乘积"
        ),
        "conv_eq_corr_rot180": Title(
            "Convolution is cross-correlation with the flipped kernel",
            "卷积等于翻转卷积核后的互相关",
            rf"\mathbf{{W}} \otimes \mathbf{{X}} = {_ROT}(\mathbf{{W}}) * \mathbf{{X}}",
        ),
        "receptive_field": Title(
            "Receptive field of stacked layers",
            "多层卷积的感受野",
            r"r = 1 + \sum_{l=1}^{L} (k_l - 1) \prod_{j<l} s_j",
        ),
        "output_size_wide": Title("Output length of wide convolution", "宽卷积的输出长度", r"o = n + k - 1"),
        "output_size_1d_notes": Title(
            "The notes' 1-D output length", "一维卷积的输出神经元数量", r"o = \frac{N - K + P}{S} + 1"
        ),
        "output_size_formula": Title(
            "Number of window positions (output size)",
            "输出大小：滑动窗口的个数",
            r"o = \left\lfloor \frac{n + p^{\mathrm{lo}} + p^{\mathrm{hi}} - d(k-1) - 1}{s} \right\rfloor + 1",
        ),
        "output_size_notes_form": Title(
            "Output shape with padding and stride (the notes' form)",
            "填充与步幅下的输出形状",
            r"o_h = \left\lfloor \frac{n_h + p_h - k_h + s_h}{s_h} \right\rfloor",
        ),
        "output_size_narrow": Title("Narrow convolution", "窄卷积", r"o = n - k + 1"),
        "output_size_same": Title("Same-width convolution", "等宽卷积", r"o = n"),
        "output_size_same_strided": Title(
            "Same padding with stride", "等宽填充加步幅", r"o = \left\lfloor \frac{n + s - 1}{s} \right\rfloor"
        ),
        "output_size_stride_divides": Title(
            "Same padding, stride dividing the input", "步幅整除输入时的输出形状", r"o = \frac{n}{s}"
        ),
        "dumoulin_visin_1": Title("No padding, unit stride", "无填充、单位步幅", r"o = (i - k) + 1"),
        "dumoulin_visin_2": Title("Padding, unit stride", "有填充、单位步幅", r"o = (i - k) + 2p + 1"),
        "dumoulin_visin_3": Title("Half (same) padding", "半填充（等宽）", r"o = i"),
        "dumoulin_visin_4": Title("Full padding", "全填充", r"o = i + (k - 1)"),
        "dumoulin_visin_5": Title(
            "No padding, strides", "无填充、有步幅", r"o = \left\lfloor \frac{i - k}{s} \right\rfloor + 1"
        ),
        "dumoulin_visin_6": Title("Padding and strides", "有填充、有步幅", _OUT % "i + 2p - k"),
        "dumoulin_visin_7": Title("Pooling", "池化", _OUT % "i - k"),
        "dumoulin_visin_8": Title("Transposed: no padding, unit stride", "转置：无填充、单位步幅", "o' = i' + (k - 1)"),
        "dumoulin_visin_9": Title(
            "Transposed: padding, unit stride", "转置：有填充、单位步幅", "o' = i' + (k - 1) - 2p"
        ),
        "dumoulin_visin_10": Title("Transposed: half padding", "转置：半填充", "o' = i'"),
        "dumoulin_visin_11": Title("Transposed: full padding", "转置：全填充", "o' = i' - (k - 1)"),
        "dumoulin_visin_12": Title("Transposed: no padding, strides", "转置：无填充、有步幅", "o' = s(i' - 1) + k"),
        "dumoulin_visin_13": Title(
            "Transposed: padding and strides", "转置：有填充、有步幅", "o' = s(i' - 1) + k - 2p"
        ),
        "dumoulin_visin_14": Title(
            "Transposed: padding, strides, extra cells",
            "转置：有填充、有步幅、补 a 个单元",
            "o' = s(i' - 1) + a + k - 2p",
        ),
        "dumoulin_visin_15": Title("Dilation", "空洞（膨胀）卷积", _OUT % "i + 2p - k - (k - 1)(d - 1)"),
        "output_size_matches": Title(
            "Every operator has the output size of the formula",
            "每个算子的输出形状都符合输出大小公式",
            r"\operatorname{shape}(\mathbf{X} * \mathbf{W}) = (o_h, o_w)",
        ),
        "full_conv_comm": Title(
            "Wide convolution commutes",
            "宽卷积的交换性",
            rf"\mathbf{{W}} {_WIDE_CONV} \mathbf{{X}} = \mathbf{{X}} {_WIDE_CONV} \mathbf{{W}}",
        ),
        "full_corr_rot180_comm": Title(
            "The notes' commutativity of wide cross-correlation",
            "宽互相关的交换性（笔记的形式）",
            rf"{_ROT}(\mathbf{{W}}) {_WIDE_CORR} \mathbf{{X}} = {_ROT}(\mathbf{{X}}) {_WIDE_CORR} \mathbf{{W}}",
        ),
        "full_corr_comm": Title(
            "Wide cross-correlation commutes (taken literally)",
            "宽互相关可交换（字面说法）",
            rf"\mathbf{{W}} {_WIDE_CORR} \mathbf{{X}} = \mathbf{{X}} {_WIDE_CORR} \mathbf{{W}}",
        ),
        "full_corr_eq_rot180_swap": Title(
            "Swapping a wide cross-correlation rotates it",
            "交换宽互相关的两个操作数等于把结果旋转 180°",
            rf"\mathbf{{W}} {_WIDE_CORR} \mathbf{{X}} = {_ROT}(\mathbf{{X}} {_WIDE_CORR} \mathbf{{W}})",
        ),
        "conv1x1_eq_matmul": Title(
            r"A 1 × 1 convolution is a matrix product",
            "1×1 卷积层等价于全连接层",
            r"\mathbf{H}_{c_o \times n_h n_w} = \mathbf{W}_{c_o \times c_i} \, \mathbf{X}_{c_i \times n_h n_w}",
        ),
        "flop_count": Title("Time complexity of a convolution layer", "卷积层的时间复杂度", r"c_o c_i k_h k_w m_h m_w"),
        "flop_count_notes_figures": Title(
            "The notes' operation counts and times",
            "笔记中的运算量与耗时",
            r"1.024\times10^{9}\ \text{per layer};\ 10\,\text{PFLOP};\ 18.5\,\text{h (CPU)};\ 13.9\,\text{min (GPU)}",
        ),
        "pool_ceil_mode_size": Title(
            "Pooling output size in ceil mode",
            "池化层 ceil 模式的输出大小",
            r"o = \left\lceil \frac{n + 2p - d(k-1) - 1}{s} \right\rceil + 1 - [(o - 1)s \ge n + p]",
        ),
        "grad_input_shape": Title(
            "The input gradient has the input's shape",
            "输入梯度与输入形状相同",
            r"\operatorname{shape}\frac{\partial \ell}{\partial \mathbf{X}} = n,"
            r"\quad a = (n + p^{\mathrm{lo}} + p^{\mathrm{hi}} - d(k-1) - 1) \bmod s",
        ),
        "param_count": Title(
            "Parameters of a convolution layer (PyTorch)", "卷积层的参数数量（PyTorch）", r"c_o c_i k_h k_w + c_o"
        ),
        "param_count_notes": Title(
            "Parameters with the notes' per-kernel bias",
            "笔记中每个卷积核一个偏置时的参数数量",
            r"c_o c_i (k_h k_w + 1)",
        ),
        "grad_weight_eq_corr": Title(
            "Kernel gradient is a cross-correlation",
            "卷积核的梯度是互相关",
            r"\frac{\partial \ell}{\partial \mathbf{W}} = \mathbf{X} * \delta",
        ),
        "grad_input_eq_full_conv": Title(
            "Input gradient is a wide convolution",
            "输入的梯度是宽卷积",
            rf"\frac{{\partial \ell}}{{\partial \mathbf{{X}}}} = \delta {_WIDE_CONV} \mathbf{{W}} "
            rf"= {_ROT}(\mathbf{{W}}) {_WIDE_CORR} \delta = {_ROT}(\delta) {_WIDE_CORR} \mathbf{{W}}",
        ),
        "grad_bias_eq_sum": Title(
            "Bias gradient is the sum of the error term",
            "偏置的梯度是误差项之和",
            r"\frac{\partial \ell}{\partial b_p} = \sum_{i,j} [\delta_p]_{i,j}",
        ),
        "grad_bias_per_pair": Title(
            "Gradient of the notes' per-kernel bias",
            "笔记中每个卷积核偏置的梯度",
            r"\frac{\partial \ell}{\partial B_{p,d}} = \sum_{i,j} [\delta_p]_{i,j}",
        ),
        "grad_multi_channel": Title(
            "Gradients of a multi-channel layer",
            "多通道卷积层的梯度",
            r"\frac{\partial \ell}{\partial \mathbf{W}_{p,d}} = \mathbf{X}_d * \delta_p,\quad "
            r"\frac{\partial \ell}{\partial \mathbf{X}_d} = "
            rf"\sum_p {_ROT}(\mathbf{{W}}_{{p,d}}) {_WIDE_CORR} \delta_p",
        ),
        "delta_recursion": Title(
            "Back-propagation of the error term",
            "卷积层误差项的反向传播",
            r"\delta^{(l)}_p = f'(\mathbf{H}^{(l)}_p) \odot "
            rf"\sum_q {_ROT}(\mathbf{{W}}^{{(l+1)}}_{{q,p}}) {_WIDE_CORR} \delta^{{(l+1)}}_q",
        ),
        "grad_avg_pool": Title(
            "Gradient of average pooling",
            "平均池化层的梯度",
            r"\frac{\partial \ell}{\partial \mathbf{X}} = \operatorname{up}(\delta),\ \text{each } \delta_w / N_w",
        ),
        "grad_max_pool": Title(
            "Gradient of max pooling",
            "最大池化层的梯度",
            r"\frac{\partial \ell}{\partial \mathbf{X}} = \operatorname{up}(\delta),\ \text{each } \delta_w"
            r" \text{ to its window's maximum}",
        ),
        "grad_pool_mass": Title(
            "Pooling gradients keep the total of the error term",
            "池化层梯度保持误差项总和",
            r"\sum \frac{\partial \ell}{\partial \mathbf{X}} = \sum \delta",
        ),
        "grad_max_pool_ties": Title(
            "Max pooling at ties",
            "最大池化层在并列最大值处",
            r"\text{each } \delta_w \text{ shared with total weight } 1",
        ),
    }
)


def family_stem(name: str) -> str:
    """The name of a numbered family a theorem belongs to, or the name itself.

    >>> family_stem("dumoulin_visin_12"), family_stem("output_size_same")
    ('dumoulin_visin', 'output_size_same')
    """
    return re.sub(r"_\d+$", "", name)


def split_statement(statement: str) -> tuple[str, str]:
    """The formula of a statement and its parenthesised remark (after two spaces).

    >>> split_statement("W ⊗~ X = X ⊗~ W  (wide convolution is commutative)")
    ('W ⊗~ X = X ⊗~ W', 'wide convolution is commutative')
    """
    match = re.match(r"^(?P<formula>.*?)\s{2,}\((?P<remark>.*)\)\s*$", statement, re.DOTALL)
    if match:
        return match["formula"].strip(), match["remark"].strip()
    return statement.strip(), ""


def _derived(thm: Theorem) -> str:
    """A title from the registry entry: the statement's remark, else its words before the formula, else the name."""
    _formula, remark = split_statement(thm.statement)
    if remark and len(remark) <= 70:
        text = remark
    else:
        head = re.split(r"[:=]", thm.statement, maxsplit=1)[0].strip()
        words = re.fullmatch(r"[A-Za-z][A-Za-z0-9 ,'&-]{2,60}", head)
        text = head if words else thm.name.replace("_", " ")
    return text[0].upper() + text[1:]


def title(thm: Theorem, lang: str = "en") -> str:
    """A theorem's title in ``lang`` (``en`` or ``zh``), from :data:`TITLES` or derived from the registry.

    >>> from symconv.theorems.registry import get
    >>> title(get("full_conv_comm")), title(get("full_conv_comm"), "zh")
    ('Wide convolution commutes', '宽卷积的交换性')
    """
    entry = TITLES.get(thm.name)
    if entry is None:
        return _derived(thm)
    return entry.zh if lang == "zh" else entry.en


def formula(thm: Theorem) -> str:
    """The statement in LaTeX from :data:`TITLES` or the registry's ``latex`` field; empty if neither has it.

    >>> from symconv.theorems.registry import get
    >>> formula(get("output_size_narrow"))
    'o = n - k + 1'
    """
    entry = TITLES.get(thm.name)
    return entry.formula if entry is not None and entry.formula else thm.latex
