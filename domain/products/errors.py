"""Product catalogue outcomes the clients switch on."""

from __future__ import annotations

from domain.errors import DomainError


class DuplicateSkuError(DomainError):
    code = "DUPLICATE_SKU"
    message = "该商品编码已存在"


class UnknownProductError(DomainError):
    """A SKU that is not in the catalogue, or no longer offered."""

    code = "UNKNOWN_SKU"
    message = "商品不存在或已下架"

    def __init__(self, skus: list[str]) -> None:
        super().__init__(f"商品不存在或已下架：{'、'.join(skus)}")
        self.skus = skus


class TooManyProductsError(DomainError):
    code = "TOO_MANY_PRODUCTS"
    message = "每篇分享最多关联 5 件商品"
