"""The product catalogue in the portal: the back office's list, create (with a picture), edit and
deactivate (admins); the share form's product picker (an htmx search adding chips); the products
a post's author tags it with. The same services as GraphQL; expected outcomes re-render the form
with the message at 422."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError, InvalidInputError, NotFoundError
from domain.identity.models import Member, Role
from domain.products import queries, rules, services
from domain.products.csv_import import import_products_csv
from domain.products.models import Product
from domain.purchases.csv_file import decoded_lines
from portal.auth import collaborators, redirect
from portal.forms import products as forms
from portal.outcomes import error_status, error_text, field_errors, logged_in, page, refusal
from portal.pictures import MediaUrls

ADMIN_PAGE = "products/admin.html"
EDIT_PAGE = "products/edit.html"
PICKER_SIZE = 8
MAX_IMPORT_BYTES = 5 * 2**20


def product_links(request: Request) -> dict[str, Any]:
    """What a page drawing product cards needs: the pictures and each product's mall link."""
    c = collaborators(request)
    template = c.settings.product_url_template

    def product_url(product: Product) -> str:
        return rules.product_url(template, product.sku)

    return {"media_url": MediaUrls(c.images), "product_url": product_url}


async def _admin(request: Request) -> Member | Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    return refusal(request, member, Role.ADMIN) or member


async def admin_products(request: Request) -> Response:
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    if request.method == "POST":
        form = await request.form()
        try:
            await services.create_product(collaborators(request), admin, forms.new_product(form))
            return redirect(request, "admin_products")
        except DomainError as error:
            status, headers = error_status(error)
            extra = {
                "message": error.message,
                "errors": field_errors(error),
                "values": forms.values(form),
            }
    search = request.query_params.get("q", "")[:60]
    rows = await queries.products_page(search, None, 200, active_only=False)
    context = {
        "products": rows,
        "search": search,
        "values": {},
        "errors": {},
        **product_links(request),
        **extra,
    }
    return page(request, ADMIN_PAGE, context, block="create", status_code=status, headers=headers)


async def import_products(request: Request) -> Response:
    """The product list as CSV: all or nothing, each bad line by its number."""
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    context: dict[str, Any] = {}
    status, headers = 200, dict[str, str]()
    async with request.form(max_files=1) as form:
        upload = form.get("file")
        try:
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise InvalidInputError.single("file", "请选择要导入的 CSV 文件")
            if (upload.size or 0) > MAX_IMPORT_BYTES:
                raise InvalidInputError.single("file", "文件不能超过 5 MB")
            lines = decoded_lines(upload.file)
            summary = await import_products_csv(collaborators(request), admin, lines)
            context = {"summary": summary, "filename": upload.filename}
            status = 200 if summary.written else 422
        except DomainError as error:
            status, headers = error_status(error)
            context = {"import_message": error_text(error)}
    return page(request, "products/_import.html", context, status_code=status, headers=headers)


def _edit_values(product: Product) -> dict[str, str]:
    return {"name": product.name, "price": rules.yuan(product.price_fen)}


async def edit_product(request: Request) -> Response:
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    product = await queries.get_product(request.path_params["product_id"])
    if product is None:
        return page(request, "errors/missing.html", {}, status_code=404)
    context: dict[str, Any] = {"product": product, "errors": {}, **product_links(request)}
    status, headers = 200, dict[str, str]()
    if request.method == "POST":
        form = await request.form()
        try:
            c = collaborators(request)
            if "active" in form:
                active = services.ProductChanges(active=form.get("active") == "on")
                await services.update_product(c, admin, product.id, active)
            else:
                await services.update_product(c, admin, product.id, forms.product_changes(form))
            context["saved"] = True
        except DomainError as error:
            status, headers = error_status(error)
            context |= {"message": error.message, "errors": field_errors(error)}
            context["values"] = forms.values(form)
        product = await queries.get_product(product.id) or product
        context["product"] = product
    context.setdefault("values", _edit_values(product))
    return page(request, EDIT_PAGE, context, block="form", status_code=status, headers=headers)


async def picker(request: Request) -> Response:
    """The share form's search: active products whose name or SKU contains ``q``."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    search = request.query_params.get("q", "")[:60]
    found = await queries.products_page(search, None, PICKER_SIZE) if search.strip() else []
    context = {"found": found[:PICKER_SIZE], "search": search}
    return page(request, "products/_picker.html", context | product_links(request))


async def chip(request: Request) -> Response:
    """One chosen product for the share form: its chip with a hidden ``sku`` input."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    sku = request.query_params.get("sku", "")
    found = await queries.products_by_sku([sku])
    product = next(iter(found.values()), None)
    if product is None or not product.active:
        return Response(status_code=200)
    return page(request, "products/_chip.html", {"product": product})


async def tag_post(request: Request) -> Response:
    """The author changes a post's products from the post page."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    post_id = request.path_params["post_id"]
    skus = forms.chosen_skus(await request.form())
    context: dict[str, Any] = {"post_id": post_id, "may_tag": True, **product_links(request)}
    status, headers = 200, dict[str, str]()
    try:
        await services.tag_post_products(collaborators(request), member, post_id, skus)
        context["tag_saved"] = True
    except NotFoundError:  # not the author's, or closed to them: as if there were no post
        return page(request, "errors/missing.html", {}, status_code=404)
    except DomainError as error:
        status, headers = error_status(error)
        context |= {"tag_message": error_text(error), "chosen": await queries.chosen_products(skus)}
    tagged = (await queries.products_by_post([post_id]))[post_id]
    context["products"] = tagged
    context.setdefault("chosen", tagged)
    template = "products/_post_products.html"
    return page(request, template, context, status_code=status, headers=headers)
