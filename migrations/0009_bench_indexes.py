from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [('linli', '0008_purchases_and_referrals')]

    initial = False

    operations = [
        # The viewer's likes by member: the feed page's EXISTS flag stays an index probe when
        # PostgreSQL plans it as one hashed lookup per page (6M likes: no sequential scan).
        ops.AddIndex(model_name='PostLike', index=Index(fields=['member_id', 'post_id'])),
    ]
