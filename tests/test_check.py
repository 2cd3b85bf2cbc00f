"""The cross-check harness compares every system with the symbolic result, and can fail."""

import pytest

import symconv as sc
from symconv import numeric
from symconv.check import TOLERANCE, check_result


def test_check_ok_in_numpy_and_torch():
    for backend in ("numpy", "torch"):
        result = sc.check("conv_eq_corr_rot180", backend, n=5, k=3, s=2, p=1)
        assert result.status == "ok", result.detail
        assert result.cases > 0 and result.max_abs_err <= TOLERANCE


def test_cuda_check_skips_cleanly_without_a_device():
    torch = pytest.importorskip("torch")
    result = sc.check("full_conv_comm", "cuda")
    assert result.status == ("ok" if torch.cuda.is_available() else "skipped")


def test_a_wrong_numeric_operator_fails_the_check(monkeypatch):
    # a NumPy "convolution" that forgets the flip must be caught
    monkeypatch.setattr(numeric, "conv2d", numeric.corr2d)
    result = sc.check("conv_eq_corr_rot180", "numpy", n=4, k=2)
    assert result.status == "failed"
    assert "differs from the symbolic" in result.detail


def test_counterexample_replayed_in_each_backend():
    proof = sc.prove("full_corr_comm")
    for backend in ("numpy", "torch"):
        outcome = check_result(proof, backend)
        assert outcome.status == "ok" and outcome.detail == "counterexample confirmed"


def test_unknown_backend():
    with pytest.raises(sc.ParameterError, match=r"check: backend: got 'jax'; expected one of 'numpy', 'torch', 'cuda'"):
        sc.check("full_conv_comm", "jax")


def test_trials_and_seed_are_validated():
    for trials in (0, -1, 1.5, True):
        with pytest.raises(sc.ParameterError, match=r"^check: trials: got .*; expected a positive int"):
            sc.check("conv_eq_corr_rot180", trials=trials)
    with pytest.raises(sc.ParameterError, match=r"^check: seed: got 'a'; expected an int"):
        sc.check("conv_eq_corr_rot180", seed="a")
