"""Posts' mutation root fields: posting, likes, comments, reports and moderation."""

from __future__ import annotations

import strawberry

from api.permissions import IsAuthenticated
from api.posts.mutations.add_comment import AddCommentResult, add_comment
from api.posts.mutations.like_post import LikePostResult, like_post
from api.posts.mutations.moderate_post import ModeratePostResult, moderate_post
from api.posts.mutations.record_post_views import RecordPostViewsResult, record_post_views
from api.posts.mutations.report_content import ReportContentResult, report_content
from api.posts.mutations.submit_post import SubmitPostResult, submit_post
from api.posts.mutations.unlike_post import UnlikePostResult, unlike_post


@strawberry.type
class PostsMutation:
    submit_post: SubmitPostResult = strawberry.mutation(
        resolver=submit_post,
        description="Submit a post: published at once for trusted authors (3 approved posts), "
        "else queued for moderation. Counts against the posting limits.",
        permission_classes=[IsAuthenticated],
    )
    like_post: LikePostResult = strawberry.mutation(
        resolver=like_post,
        description="Like a published post (liking twice counts once).",
        permission_classes=[IsAuthenticated],
    )
    unlike_post: UnlikePostResult = strawberry.mutation(
        resolver=unlike_post,
        description="Take back a like.",
        permission_classes=[IsAuthenticated],
    )
    add_comment: AddCommentResult = strawberry.mutation(
        resolver=add_comment,
        description="Comment on a published post. Counts against the posting limits.",
        permission_classes=[IsAuthenticated],
    )
    report_content: ReportContentResult = strawberry.mutation(
        resolver=report_content,
        description="Report a post (comments cannot be reported yet: `InvalidInput`). Three "
        "reporters hide a post until a moderator decides.",
        permission_classes=[IsAuthenticated],
    )
    record_post_views: RecordPostViewsResult = strawberry.mutation(
        resolver=record_post_views,
        description="Report the posts the viewer saw (cards on screen for a second, posts "
        "opened), for the attribution of purchases to UGC; each counts once per day.",
        permission_classes=[IsAuthenticated],
    )
    moderate_post: ModeratePostResult = strawberry.mutation(
        resolver=moderate_post,
        description="Staff: moderate a post. Moderators and admins everywhere, hosts in their "
        "own groups; anyone else gets a top-level FORBIDDEN error.",
    )
