from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('linli', '0019_names')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Comment',
            name='safety_flag',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Comment',
            name='reviewed_at',
            field=fields.DatetimeField(null=True),
        ),
        ops.AddField(
            model_name='CampaignEntry',
            name='safety_flag',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Image',
            name='cloud_flag',
            field=fields.CharField(null=True, max_length=200),
        ),
    ]
