"""The chapter's own words in English and Chinese (data), in the notes' terms.

Every sentence the chapter writes around the formulas comes from
:data:`WORDS`; ``--lang zh`` picks the Chinese column, which uses the notes'
terms (互相关, 卷积, 宽卷积, 步长, 零填充, 感受野, 误差项 …).  Kernel rule
names (``reindex``, ``exchange`` …) have their own table, :data:`RULES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..errors import ParameterError

__all__ = ["LANGS", "RULES", "WORDS", "rule_word", "say"]

LANGS = ("en", "zh")

#: Key -> (English, Chinese); ``{}`` fields are filled by :func:`say`.
WORDS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "title": ("Convolutional networks: the formulas of the notes, proved", "卷积神经网络：笔记中的公式及其证明"),
        "intro": (
            "Every formula below is printed by symconv from the SymPy expression it proved, and every theorem is "
            "cross-checked numerically against NumPy and PyTorch.",
            "以下每个公式都由 symconv 从其证明所用的 SymPy 表达式直接排版，"
            "每条定理都与 NumPy 和 PyTorch 的数值结果交叉验证。",
        ),
        "notation": ("Notation", "记号"),
        "summary": ("Summary", "总览"),
        "theorem": ("Theorem", "定理"),
        "claim": ("Claim", "命题"),
        "proof": ("Proof", "证明"),
        "derivation": ("Derivation, for all sizes", "推导（对所有大小成立）"),
        "derivation_scope": ("Derivation ({})", "推导（{}）"),
        "concrete_proof": ("Proof at concrete sizes", "在具体大小上的证明"),
        "shared_derivation": ("Shared derivation", "共同的推导"),
        "hypotheses": ("Hypotheses", "条件"),
        "worked": ("Worked instance", "算例"),
        "verified": ("Verified", "验证"),
        "counterexample": ("Counterexample", "反例"),
        "instead": ("What holds instead", "正确的结论"),
        "remark": ("Remark", "注"),
        "col_section": ("Sec.", "节"),
        "col_title": ("Theorem", "定理"),
        "col_statement": ("Statement", "内容"),
        "col_verdict": ("Verdict, scope", "结论与范围"),
        "col_checks": ("Checks", "数值验证"),
        "col_hypotheses": ("Hypotheses", "条件"),
        "col_number": ("No.", "编号"),
        "col_chain": ("Kernel-checked chain", "经内核检查的推导"),
        "proved": ("proved", "已证明"),
        "refuted": ("refuted", "已否定"),
        "unknown": ("unknown", "未定"),
        "all_sizes": ("all sizes", "所有大小"),
        "all_sizes_with": ("all sizes with ", "所有大小，其中 "),
        "scope_if": ("if ", "条件："),
        "no_general": ("no all-sizes proof", "无对所有大小的证明"),
        "fixed_values": ("at the values given", "在给定的数值上"),
        "every_part": ("(all {} parts)", "（全部 {} 部分）"),
        "parts_n": ("({} parts)", "（{} 部分）"),
        "part_1": ("(1 part)", "（1 部分）"),
        "part": ("Part {}", "第 {} 部分"),
        "restates": ("(restates the previous line)", "（重述上一行）"),
        "rearranges": ("(only reorders the sums and factors of the previous line)", "（仅重排上一行的求和与因子）"),
        "left_again": ("the left side, as in Part 1", "左边（同第 1 部分）"),
        "derivation_parts": ("Derivation, in {} parts", "推导（分 {} 部分）"),
        "likewise": ("likewise in {} (kernel-checked)", "{} 的情形同理（经内核检查）"),
        "and_last": ("{} and {}", "{}和{}"),
        "and_sep": (", ", "、"),
        "by": ("by", "由"),
        "lemma": ("Lemma", "引理"),
        "where": ("where", "其中"),
        "sizes_n": ("{} sizes", "{} 组大小"),
        "grid_cases": ("a grid of {} cases", "{} 种情形的网格"),
        "at_sizes": ("at", "于"),
        "expected": ("expected {}", "预期 {}"),
        "not_checked": ("not checked by the kernel", "未经内核检查"),
        "steps_checked": ("{} steps, each checked by the kernel", "共 {} 步，每一步都经内核检查"),
        "steps_checked_short": ("{} kernel-checked steps", "{} 步，均经内核检查"),
        "steps_unchecked": ("{} of {} steps checked", "{} / {} 步经检查"),
        "exact_at": ("exact at", "精确成立于"),
        "cases": ("{} cases", "{} 例"),
        "case_1": ("{} case", "{} 例"),
        "ok": ("agree", "一致"),
        "ok_one": ("agrees", "一致"),
        "failed": ("FAILED", "失败"),
        "skipped": ("not run", "未运行"),
        "float_err": ("float error at most {}", "浮点误差不超过 {}"),
        "float_err_short": ("float error ≤ {}", "浮点误差 ≤ {}"),
        "exact_ints": ("exact on integers", "整数输入时精确相等"),
        "no_cuda": ("no CUDA device", "无 CUDA 设备"),
        "first_difference": ("first difference at entry", "第一个不同的元素位于"),
        "family_rows": (
            "Each row holds under the hypotheses common to the table, {}, and its own.",
            "每一行在本表共同的条件 {} 及该行自身的条件下成立。",
        ),
        "family_derivation": (
            "Every row's left side is an instance of {}; the row's hypotheses are then substituted and simplified. "
            "The last column is each row's chain from that instance on, every step checked by the kernel.",
            "每一行的左边都是{}的实例；再代入该行的条件并化简。表的最后一列是每一行从该实例起的推导，每一步都经内核检查。",
        ),
        "family_derivation_report": (
            "Every row is an instance of {}: substitute the row's hypotheses and simplify. "
            "Each row's chain, checked by the kernel:",
            "每一行都是{}的实例：代入该行的条件并化简。每一行经内核检查的推导：",
        ),
        "family_derivation_plain": (
            "The rows share one derivation, applied row by row and checked by the kernel:",
            "各行共用同一推导，逐行应用并经内核检查：",
        ),
        "family_verified": ("all {} rows", "全部 {} 行"),
        "row_scopes": ("all sizes under each row's hypotheses", "在每一行的条件下对所有大小成立"),
        "family_rows_own": ("Each row holds under its own hypotheses.", "每一行在其自身的条件下成立。"),
        "special_cases": ("Special cases of the {}", "{}的特例"),
        "equal_polys": (
            "Both sides are the same polynomial in the inputs at every listed size;",
            "在所列的每组大小上，两边都是输入元素的同一多项式；",
        ),
        "sizes_proved": ("Sizes proved", "已证明的大小"),
        "sizes_tried": ("Sizes tried", "尝试的大小"),
        "method": ("Method", "方法"),
        "checks_detail": (
            "Numeric checks (symbolic result against independent witnesses)",
            "数值验证（符号结果对照独立实现）",
        ),
        "figure": ("Figure", "图"),
        "code_caption": (
            "The notes' {} in Python, 1-based like the formulas (rendered by latexify-py)",
            "笔记中的 {}（Python，下标从 1 开始，与公式一致；由 latexify-py 排版）",
        ),
        "conv_sym": ("convolution", "卷积"),
        "corr_sym": ("cross-correlation", "互相关"),
        "wide_sym": ("their wide (full) forms", "宽卷积与宽互相关"),
        "rot_sym": ("rotates a kernel by 180°", "将卷积核旋转 180°"),
        "entry_sym": ("an entry, indices from {}", "一个元素，下标从 {} 开始"),
        "indicator_sym": (
            "is 1 when the condition holds and 0 otherwise (the Kronecker delta is written so)",
            "条件成立时为 1，否则为 0（Kronecker δ 记作此形式）",
        ),
        "sides_sym": (
            "the zero padding before and after the input along axis h",
            "输入在 h 轴上前后两侧的零填充",
        ),
        "windows_sym": ("the output size along axis h: the number of windows", "h 轴上的输出大小，即窗口个数"),
        "extended_sym": (
            "the input extended by zeros: {} inside it, 0 outside (so zero padding reads it at u − p^lo_h)",
            "以零延拓的输入：在输入内为 {}，在其外为 0（零填充即在 u − p^lo_h 处读取它）",
        ),
        "delta_sym": ("the error term (upstream gradient)", "误差项（上游梯度）"),
        "pad_side": ("the padding on each side (PyTorch's argument)", "每一侧的零填充（PyTorch 的参数）"),
        "pad_total": ("the total padding of an axis, as in the notes", "一个轴上的总填充，与笔记相同"),
        "sizes_sym": (
            "sizes: input n, kernel k, stride s, dilation d, output o (subscripts h and w for the two axes)",
            "大小：输入 n，卷积核 k，步长 s，膨胀 d，输出 o（下标 h、w 表示两个轴）",
        ),
        "index_sym": (
            "indices: i, j for outputs, a, b for kernel taps, u, v for input cells",
            "下标：i、j 表示输出，a、b 表示卷积核，u、v 表示输入",
        ),
        "style_report": ("Verification report", "验证报告"),
        "entry_at": ("at ", "当 "),
        "entry_word": (", entry ", " 时，元素 "),
        "entry_part": (" of part {} (of {})", "（第 {} 部分，共 {} 部分）"),
        "entry_build": (" of each side, as the symbolic operators build it:", "，由符号算子给出的两边为："),
        "entry_build_short": (" of each side:", "，两边为："),
        "diff_zero": ("Their difference expands to 0.", "两者之差展开为 0。"),
        "diff_hyp": (
            "Their difference is not the zero polynomial; the proof ({}) shows it vanishes under the hypotheses.",
            "两者之差不是零多项式；证明（{}）表明它在条件下为零。",
        ),
        "diff_nonzero": (
            "Their difference does not expand to 0: the sides differ here.",
            "两者之差展开不为 0：两边在此不同。",
        ),
        "shapes_differ": ("The two sides have different shapes at {}.", "在 {} 时两边的形状不同。"),
    }
)

#: Kernel rule name -> (English, Chinese) label, used in Chinese justifications (and where a step has no text).
RULES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "definition": ("definition", "定义"),
        "reindex": ("reindex", "换元"),
        "exchange": ("exchange the sums", "交换求和次序"),
        "start": ("the left side", "左边"),
        "stretch": ("stretch the index", "伸缩下标"),
        "rerange": ("change the range", "改变求和范围"),
        "singleton": ("a single term", "单项"),
        "decide": ("decide the condition", "判定条件"),
        "condition": ("an equivalent condition", "等价条件"),
        "algebra": ("algebra", "代数化简"),
        "arith": ("arithmetic", "算术"),
        "hypothesis": ("by the hypothesis", "由条件"),
        "solver": ("arithmetic (z3)", "算术（z3）"),
        "collapse": ("collapse the indicator sum", "消去示性函数求和"),
        "split": ("split the range", "拆分求和范围"),
        "extend": ("extend the range", "扩展求和范围"),
        "linearity": ("linearity", "线性"),
        "evaluate": ("evaluate", "求值"),
        "instance": ("instance of a proved statement", "已证结论的实例"),
        "differentiate": ("differentiate", "求导"),
        "cases": ("case analysis", "分情形讨论"),
        "simplify": ("simplify", "化简"),
        "substitute": ("substitute the hypotheses", "代入条件"),
        "lemma": ("lemma", "引理"),
        "count": ("count", "计数"),
        "induction": ("induction", "归纳"),
        "expand": ("expand", "展开"),
        "factor": ("factor", "因式分解"),
    }
)


def _check(lang: str) -> int:
    if lang not in LANGS:
        raise ParameterError("lang", lang, "'en' or 'zh'")
    return LANGS.index(lang)


def say(key: str, lang: str = "en", *args: object) -> str:
    """The chapter's phrase ``key`` in ``lang``, with ``{}`` fields filled from ``args``.

    >>> say("sizes_n", "en", 3), say("sizes_n", "zh", 3)
    ('3 sizes', '3 组大小')
    """
    return WORDS[key][_check(lang)].format(*args)


def rule_word(rule: str | None, why: str, lang: str = "en") -> str:
    """The label of a kernel rule in ``lang``; without a rule, the rule is read off the first word of ``why``.

    >>> rule_word("reindex", "", "zh"), rule_word(None, "exchange the finite sums", "zh")
    ('换元', '交换求和次序')
    """
    index = _check(lang)
    if rule and rule in RULES:
        return RULES[rule][index]
    first = why.strip().split(" ", 1)[0].rstrip(":,;").lower() if why else ""
    if first in RULES:
        return RULES[first][index]
    return rule or ""
