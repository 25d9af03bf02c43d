from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


# The one clock: these times came from the wall clock (auto_now/auto_now_add) and are now set by
# the services from the injected clock. auto_now lives in Python only, so only the model state
# changes: the columns stay NOT NULL timestamps. A plain AlterField would rebuild each table on
# SQLite and lose the constraints and indexes added by SQL in earlier migrations.
class AlterFieldState(ops.AlterField):
    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        return None

    async def database_backward(self, app_label, old_state, new_state, state_editor=None):
        return None


class Migration(migrations.Migration):
    dependencies = [('linli', '0012_back_office')]

    initial = False

    operations = [
        AlterFieldState(
            model_name='Estate',
            name='created_at',
            field=fields.DatetimeField(auto_now=False, auto_now_add=False),
        ),
        AlterFieldState(
            model_name='InterestTag',
            name='created_at',
            field=fields.DatetimeField(auto_now=False, auto_now_add=False),
        ),
        AlterFieldState(
            model_name='MemberInterestTag',
            name='created_at',
            field=fields.DatetimeField(auto_now=False, auto_now_add=False),
        ),
        AlterFieldState(
            model_name='PointsAccount',
            name='updated_at',
            field=fields.DatetimeField(auto_now=False, auto_now_add=False),
        ),
    ]
