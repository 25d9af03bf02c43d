"""The hot writes' statements, pinned: LikePost and RedeemReward send what their invariants
need and nothing read twice (the races that keep them honest are in tests/domain)."""

from __future__ import annotations

from domain.collaborators import Collaborators
from domain.points.services import award_points
from domain.rewards.models import Reward
from domain.webhooks.outbox import enabled_endpoints
from tests.api.test_groups_api import token_for
from tests.api.test_identity_api import op
from tests.api.test_posts_api import make_post
from tests.api.test_rewards_api import make_reward
from tests.conftest import GraphQLClient
from tests.factories import make_member
from tests.sqlcount import count_sql
from tests.stores import ON_POSTGRES
from web.ids import encode_id

# The token joined to its member; the like; the payload's post, only the columns the contract's
# document asks for with the viewer's flag (the compiled path: no card, no cover). On PostgreSQL
# the like is one statement that commits by itself: the post joined to its group (published,
# group not archived), the like, the counter. SQLite cannot write that as one: it reads the post,
# then sends the like and the counter in a transaction.
LIKE_POST = 3 if ON_POSTGRES else 5

# The token; the key's claim (an insert that does nothing on a key in use, and reads the record
# of one); the reward's terms (read unlocked); the account's conditional debit returning the
# balance it left, the ledger entry, the lots to draw from, one lot drawn, the draw; the
# redemption with a pickup code not in use (one insert), the key's result; last, the stock's
# conditional update returning the reward it locked (held for that round trip and the commit);
# the payload's balance with the next expiry. On PostgreSQL three pairs are one statement each:
# the debit and its entry, the lot drawn and its draw, the redemption and the key's result.
REDEEM_REWARD = 9 if ON_POSTGRES else 12

# After commit, outside the write's transaction: a like that makes a milestone count (1, 10,
# 100) has the author's notice folded in (the preference, the author's row lock, the post's
# earlier milestone notices read under it, the unread row, the insert); a redemption's
# ready-for-pickup notice is one insert that reads the preference in it. Any other like sends
# nothing more.
LIKE_MILESTONE_NOTICE = 5
REDEMPTION_READY_NOTICE = 1


async def test_like_post_sends_its_pinned_statements(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    author, first, fan = await make_member(), await make_member(), await make_member()
    post = await make_post(collaborators, author)
    variables = {"postId": encode_id("Post", post.id)}
    first_token = await token_for(collaborators, first)
    with count_sql() as milestone:
        await gql(op("LikePost"), variables, first_token)
    assert len(milestone) == LIKE_POST + LIKE_MILESTONE_NOTICE, "\n".join(milestone)
    token = await token_for(collaborators, fan)
    with count_sql() as seen:
        body = await gql(op("LikePost"), variables, token)
    assert body["data"]["likePost"]["post"]["likeCount"] == 2
    assert len(seen) == LIKE_POST, "\n".join(seen)


async def test_redeem_reward_sends_its_pinned_statements(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    await award_points(collaborators, member.id, "referral", "seed")
    reward = await make_reward(collaborators, cost=1)
    token = await token_for(collaborators, member)
    variables = {
        "rewardId": encode_id("Reward", reward.id),
        "quantity": 1,
        "idempotencyKey": "redeem-pinned-1",
    }
    await enabled_endpoints()  # webhook endpoints, kept by the process as between requests
    with count_sql() as seen:
        body = await gql(op("RedeemReward"), variables, token)
    answer = body["data"]["redeemReward"]
    assert answer["__typename"] == "RedeemRewardSuccess", body
    assert answer["redemption"]["reward"]["stock"] == (await Reward.get(id=reward.id)).stock
    assert len(seen) == REDEEM_REWARD + REDEMPTION_READY_NOTICE, "\n".join(seen)
    with count_sql() as replayed:
        again = await gql(op("RedeemReward"), variables, token)
    assert again["data"]["redeemReward"]["redemption"] == answer["redemption"]
    # A replay: the token, the key's claim that finds its record (SQLite reads the record after
    # the insert that did nothing), its redemption joined to the reward, the points.
    assert len(replayed) == (4 if ON_POSTGRES else 5), "\n".join(replayed)
