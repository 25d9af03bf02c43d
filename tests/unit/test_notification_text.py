"""What each kind of notification says and where it leads."""

from __future__ import annotations

import pytest

from domain.notifications.models import NotificationKind as K
from domain.notifications.text import link, sentence


def test_a_grouped_like_names_the_latest_actor_and_how_many_liked() -> None:
    said = sentence(K.LIKE_MILESTONE, {"title": "番茄炒蛋", "likes": 10}, "小王", 13)
    assert said == "小王等13人赞了你的《番茄炒蛋》"
    assert sentence(K.LIKE_MILESTONE, {"title": "番茄炒蛋", "likes": 1}, "小王", 1) == (
        "小王赞了你的《番茄炒蛋》"
    )


def test_comments_fold_into_one_sentence_and_a_missing_actor_is_someone() -> None:
    assert sentence(K.COMMENT, {"title": "阳台"}, "阿哲", 3) == "阿哲等3人评论了你的《阳台》"
    assert sentence(K.COMMENT, {"title": "阳台"}, None, 1) == "有人评论了你的《阳台》"


def test_a_rejection_carries_the_moderators_note_and_a_promotion_its_code() -> None:
    assert sentence(K.POST_REJECTED, {"title": "广告", "note": "含广告链接"}, None) == (
        "你的《广告》未通过审核：含广告链接"
    )
    assert sentence(K.POST_REJECTED, {"title": "广告"}, None) == "你的《广告》未通过审核"
    assert sentence(K.WAITLIST_PROMOTED, {"title": "咖啡品鉴会", "checkInCode": "K7Q2"}, None) == (
        "你已从候补转为正式报名「咖啡品鉴会」，签到码 K7Q2"
    )


def test_the_digest_lists_what_was_missed() -> None:
    params = {"posts": [{"id": 1}, {"id": 2}], "expiringPoints": 120, "events": []}
    assert (
        sentence(K.DIGEST, params, None) == "好久不见，本周邻里：圈子里 2 篇热帖、120 积分即将过期"
    )


@pytest.mark.parametrize("kind", list(K))
def test_every_kind_has_a_sentence_even_without_parameters(kind: K) -> None:
    assert sentence(kind, {}, None)


def test_a_notification_leads_to_its_subject_or_the_page_of_its_kind() -> None:
    assert link(K.COMMENT, "Post", 12).path == "/posts/12"
    assert link(K.COMMENT, "Post", 12).params == {"post_id": 12}
    assert link(K.EVENT_REMINDER, "Event", 3).route == "event"
    assert link(K.CAMPAIGN_WON, "Campaign", 4).path == "/campaigns/4"
    assert link(K.HOST_QUEUE_ITEM, "Post", 12).path == "/moderation"
    assert link(K.POINTS_EXPIRING, None, None).path == "/points"
    assert link(K.REPLY, "Comment", 5).path == "/notifications"
