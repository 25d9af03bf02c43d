"""An upload's renditions (the widths they were made at) and its average colour."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('linli', '0030_estate_verification')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Image',
            name='rendition_widths',
            field=fields.JSONField(null=True),
        ),
        ops.AddField(
            model_name='Image',
            name='average_color',
            field=fields.CharField(null=True, max_length=7),
        ),
    ]
