"""The feed, a post with its comments, likes and reports, sharing, and my posts: the same posts
services as GraphQL. Expected outcomes re-render the fragment with the message at 422."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from domain.errors import DomainError, FieldError, InvalidInputError
from domain.exposures import services as exposures
from domain.exposures.models import ExposureSource
from domain.groups.models import InterestGroup
from domain.groups.queries import get_group, list_open_groups
from domain.identity.models import Member
from domain.media.services import own_images_by_id
from domain.posts import drafts, queries, services
from domain.posts.models import PostKind, ReportReason
from domain.products import queries as product_queries
from domain.products.policies import may_tag_post
from portal import fragment_cache, sharing
from portal.auth import collaborators, redirect
from portal.forms import posts as forms
from portal.outcomes import error_status, error_text, field_errors, logged_in, page
from portal.pictures import MediaUrls
from portal.templating import is_htmx
from portal.views.products import product_links
from web.suspension import SESSION_TOKEN_KEY

FEED_SIZE = 10
MY_POSTS_SIZE = 20
COMMENTS_SHOWN = 100
NOTICES = ("pending", "published")


def media_url(request: Request) -> MediaUrls:
    return MediaUrls(collaborators(request).images)


async def feed_context(
    request: Request, viewer: Member | None, group: InterestGroup | None = None
) -> dict[str, Any]:
    """One feed page and the URL of the next (``revealed`` loads it)."""
    kind = forms.kind_of(request.query_params.get("kind"))
    after = forms.feed_key(request.query_params.get("after"))
    group_id = group.id if group else None
    cards = await queries.feed_page(viewer.id if viewer else None, group_id, kind, after, FEED_SIZE)
    shown = cards[:FEED_SIZE]
    next_url = None
    if len(cards) > FEED_SIZE:
        query = f"after={forms.feed_cursor(shown[-1].feed_key)}"
        query += f"&kind={kind.value}" if kind else ""
        query += f"&group={group_id}" if group_id else ""
        next_url = f"{request.url_for('feed_page').path}?{query}"
    return {
        "cards": shown,
        # Whether the page is every viewer's: none of the rows read is a private group's post.
        "public_page": not any(c.post.group is not None and c.post.group.private for c in cards),
        "next_url": next_url,
        "kind": kind,
        "kinds": list(PostKind),
        "media_url": media_url(request),
    }


async def home(request: Request) -> Response:
    viewer = await logged_in(request)
    return page(request, "home.html", await feed_context(request, viewer))


async def feed(request: Request) -> Response:
    """The next page of a feed, as a fragment (the whole home page without htmx). The fragment
    shows nothing of the viewer, so it is kept a few seconds; only a page without private
    groups' posts is kept, and only the signed-out are served from it (a member of a private
    group reads more than they do; telling who is one would ask SQL)."""
    params = request.query_params
    group_id = forms.after_id(params.get("group"))
    fragment = is_htmx(request)
    if fragment:
        kind, after = forms.kind_of(params.get("kind")), forms.feed_key(params.get("after"))
        key = f"feed:{kind.value if kind else ''}:{group_id or ''}:{forms.feed_cursor(after)}"
        redis = collaborators(request).redis
        signed_out = request.session.get(SESSION_TOKEN_KEY) is None
        if signed_out and (hit := await fragment_cache.cached(redis, key)) is not None:
            return hit
    viewer = await logged_in(request)
    group = await get_group(group_id) if group_id else None
    context = await feed_context(request, viewer, group)
    response = page(request, "home.html", context, block="feed_page")
    if fragment and context["public_page"]:
        return await fragment_cache.keep(redis, key, response)
    return response


# A post ---------------------------------------------------------------------------------------


async def _post_context(request: Request, viewer: Member | None) -> dict[str, Any] | None:
    detail = await queries.post_detail(viewer, request.path_params["post_id"])
    if detail is None:
        return None
    after = forms.after_id(request.query_params.get("comments_after"))
    comments = await queries.comments_page(detail.card.id, after, COMMENTS_SHOWN)
    shown = comments[:COMMENTS_SHOWN]
    return {
        "detail": detail,
        "card": detail.card,
        "post": detail.card.post,
        "comments": shown,
        "comments_after": shown[-1].id if len(comments) > COMMENTS_SHOWN else None,
        "reasons": list(ReportReason),
        "values": {},
        "products": (await product_queries.products_by_post([detail.card.id]))[detail.card.id],
        "may_tag": viewer is not None and may_tag_post(viewer, detail.card.post),
        **product_links(request),
    }


def _not_found(request: Request) -> Response:
    return page(request, "errors/missing.html", {}, status_code=404)


async def post_page(request: Request) -> Response:
    viewer = await logged_in(request)
    context = await _post_context(request, viewer)
    if context is None:
        return _not_found(request)
    # "More comments" asks for the next page of the list as a fragment (htmx) or the whole page.
    block = "more_comments" if "comments_after" in request.query_params else None
    detail = context["detail"]
    cover = detail.images[0] if detail.images else None
    context["share"] = sharing.for_post(request, detail.card.post, cover)
    if viewer is not None and block is None:
        await exposures.record_one(collaborators(request), viewer, detail.card.post.id)
    return page(request, "posts/post.html", context, block=block)


async def seen(request: Request) -> Response:
    """The feed's cards a signed-in resident looked at for a second (``sightings.js``):
    ``{"posts": [ids]}`` → 204; bad input 422 and a flood 429, as JSON messages."""
    member = await logged_in(request)
    if member is None:
        return JSONResponse({"message": "请先登录"}, status_code=401)
    try:
        body = await request.json()
        raw = body.get("posts") if isinstance(body, dict) else None
        if not isinstance(raw, list) or not all(isinstance(i, int) for i in raw):
            raise InvalidInputError.single("posts", "帖子编号无效")
        await exposures.record(collaborators(request), member, raw, ExposureSource.FEED)
    except ValueError:
        return JSONResponse({"message": "请求格式有误"}, status_code=400)
    except DomainError as error:
        status, headers = error_status(error)
        return JSONResponse({"message": error_text(error)}, status_code=status, headers=headers)
    return Response(status_code=204)


async def like(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    post_id = request.path_params["post_id"]
    liking = request.url.path.endswith("/like")
    status, headers, message = 200, dict[str, str](), None
    try:
        if liking:
            await services.like_post(collaborators(request), member, post_id)
        else:
            await services.unlike_post(collaborators(request), member, post_id)
    except DomainError as error:
        (status, headers), message = error_status(error), error.message
    context = await _post_context(request, member)
    if context is None:
        return _not_found(request)
    context["like_message"] = message
    return page(
        request, "posts/post.html", context, block="like", status_code=status, headers=headers
    )


async def comment(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    form = await request.form()
    body = str(form.get("body", ""))
    extra: dict[str, Any] = {}
    status, headers = 200, dict[str, str]()
    try:
        extra["added"] = await services.add_comment(
            collaborators(request), member, request.path_params["post_id"], body
        )
    except DomainError as error:
        status, headers = error_status(error)
        extra = {"comment_message": error_text(error), "values": {"body": body}}
    context = await _post_context(request, member)
    if context is None:
        return _not_found(request)
    context.update(extra)
    block = "comment_added" if status == 200 else "comment_form"
    return page(
        request, "posts/post.html", context, block=block, status_code=status, headers=headers
    )


async def report(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    form = await request.form()
    raw = str(form.get("reason", ""))
    note = str(form.get("note", "")) or None
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        if raw not in ReportReason.__members__:
            raise InvalidInputError([FieldError("reason", "请选择举报原因")], "请选择举报原因")
        await services.report_post(
            collaborators(request), member, request.path_params["post_id"], ReportReason(raw), note
        )
        extra["reported"] = True
    except DomainError as error:
        status, headers = error_status(error)
        extra["report_message"] = error.message
    context = await _post_context(request, member) or {"post": None}
    context.update(extra, values={"reason": raw, "note": note or ""})
    return page(
        request, "posts/post.html", context, block="report", status_code=status, headers=headers
    )


# Share ----------------------------------------------------------------------------------------


async def _share_context(
    request: Request, member: Member, typed: forms.ShareForm, **extra: Any
) -> dict[str, Any]:
    decoded = {raw: forms.decode_image(raw) for raw in typed.image_ids}
    by_id = await own_images_by_id(member, [i for i in decoded.values() if i is not None])
    storage = collaborators(request).images
    images = [
        (raw, storage.url(by_id[i].storage_key) if i in by_id else None)
        for raw, i in decoded.items()
    ]
    return {
        "typed": typed,
        "values": typed.values,
        "images": images,
        "groups": await list_open_groups(),
        "kinds": list(PostKind),
        "chosen_products": await product_queries.chosen_products(typed.skus),
        "errors": {},
        **extra,
    }


async def share(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    if request.method == "GET":
        kept = await queries.find_share_draft(member.id)
        if kept is not None:
            typed = forms.from_draft(kept)
        else:
            typed = forms.ShareForm(values={"kind": request.query_params.get("kind", "RECIPE")})
        context = await _share_context(request, member, typed, restored=kept is not None)
        return page(request, "posts/share.html", context)
    typed = forms.share_form(await request.form())
    try:
        post = await services.submit_post(collaborators(request), member, forms.post_draft(typed))
        await drafts.clear_share_draft(member)
    except DomainError as error:
        status, headers = error_status(error)
        context = await _share_context(
            request, member, typed, message=error.message, errors=field_errors(error)
        )
        return page(request, "posts/share.html", context, status_code=status, headers=headers)
    notice = "published" if post.published_at is not None else "pending"
    url = f"{request.url_for('my_posts').path}?notice={notice}"
    response = RedirectResponse(url, status_code=303)
    if request.headers.get("hx-request") == "true":
        response.status_code = 200
        response.headers["HX-Redirect"] = url
    return response


async def share_draft(request: Request) -> Response:
    """The share form saved as typed (htmx, a moment after the member stops typing)."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    typed = forms.share_form(await request.form())
    try:
        await drafts.save_share_draft(collaborators(request), member, forms.draft_content(typed))
    except DomainError as error:
        if not is_htmx(request):
            return redirect(request, "share")
        status, headers = error_status(error)
        context = {"draft_message": error_text(error)}
        return page(
            request,
            "posts/share.html",
            context,
            block="draft_status",
            status_code=status,
            headers=headers,
        )
    if not is_htmx(request):
        return redirect(request, "share")
    return page(request, "posts/share.html", {"draft_saved": True}, block="draft_status")


async def share_row(request: Request) -> Response:
    """One new ingredient or step row for the share form (or nothing, to remove a row)."""
    await logged_in(request)
    which = request.path_params["row"]
    if which not in ("ingredient", "step"):
        return Response(status_code=200)
    return page(request, "posts/_rows.html", {"which": which}, block=which)


async def removed_row(request: Request) -> Response:
    """An empty answer: the button that asked swaps its own row out (``hx-swap="delete"``)."""
    return Response(status_code=200)


async def my_posts(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    after = forms.after_id(request.query_params.get("after"))
    cards = await queries.my_posts_page(member.id, after, MY_POSTS_SIZE)
    shown = cards[:MY_POSTS_SIZE]
    context = {
        "cards": shown,
        "next_after": shown[-1].id if len(cards) > MY_POSTS_SIZE else None,
        "notice": next((n for n in NOTICES if n == request.query_params.get("notice")), None),
        "media_url": media_url(request),
    }
    return page(request, "posts/mine.html", context, block="mine_page" if after else None)
