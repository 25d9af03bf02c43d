"""Estate verification: that a member is a real resident of an estate, how it was shown (an
order picked up there, a host's or admin's attestation, an invite from a verified neighbour)."""

from enum import StrEnum

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class VerifiedBy(StrEnum):
    PURCHASE = "PURCHASE"
    ATTESTED = "ATTESTED"
    INVITE = "INVITE"


class Migration(migrations.Migration):
    dependencies = [('linli', '0029_image_cloud_check')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EstateVerification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='estate_verifications', on_delete=OnDelete.CASCADE)),
                ('estate', fields.ForeignKeyField('linli.Estate', source_field='estate_id', db_constraint=True, to_field='id', related_name='verifications', on_delete=OnDelete.RESTRICT)),
                ('via', fields.CharEnumField(description='PURCHASE: PURCHASE\nATTESTED: ATTESTED\nINVITE: INVITE', enum_type=VerifiedBy, max_length=8)),
                ('vouched_by', fields.ForeignKeyField('linli.Member', source_field='vouched_by_id', null=True, db_constraint=True, to_field='id', related_name='estate_vouches', on_delete=OnDelete.SET_NULL)),
                ('order_id', fields.CharField(null=True, max_length=64)),
                ('verified_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'estate_verification', 'app': 'linli', 'unique_together': (('member', 'estate'),), 'pk_attr': 'id', 'table_description': 'That a member is a real resident of an estate, how it was shown and by whom. One row per'},
            bases=['Model'],
        ),
    ]
