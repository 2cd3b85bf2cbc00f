"""Errors: named once, by the public function the user called; short hints for names."""

import pytest

import symconv as sc
from symconv.errors import ParameterError, did_you_mean, public


def test_the_outermost_public_function_names_the_error():
    @public
    def inner(stride):
        raise ParameterError("stride", stride, "a positive int")

    @public
    def outer(stride):
        return inner(stride)

    with pytest.raises(ParameterError, match=r"^outer: stride: got 0; expected a positive int$"):
        outer(0)
    with pytest.raises(sc.ShapeError, match=r"^check: kernel: got \(3, 3\); expected a kernel that fits"):
        sc.check("conv_eq_corr_rot180", n=2, k=3)  # raised in corr2d, reported where the user called


def test_did_you_mean():
    assert did_you_mean("grad_max", ["grad_max_pool", "grad_pool_mass", "conv_eq_corr_rot180"]).startswith(
        "did you mean 'grad_max_pool'"
    )
    assert did_you_mean("xyz", ["grad_max_pool"]) == ""


def test_error_classes():
    assert issubclass(sc.BudgetError, sc.ParameterError) and issubclass(sc.ClaimError, ValueError)
