from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linli', '0002_points_and_rewards')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Member',
            name='tier',
            field=fields.CharField(null=True, max_length=12),
        ),
    ]
