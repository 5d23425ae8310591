"""The committee's records (scorings, criterion scores, conflicts, deliberations) moved to
``reviewers`` and the money's (funding lines, convention, tranches, follow-up reports) to
``funding``: removed from this app's state only. Their tables stay as they are (each model
names its table), so no row moves and nothing is lost."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('workflows', '0010_flow_references'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='convention',
                name='application',
            ),
            migrations.RemoveField(
                model_name='convention',
                name='recorded_by',
            ),
            migrations.RemoveField(
                model_name='criterionscore',
                name='criterion',
            ),
            migrations.RemoveField(
                model_name='criterionscore',
                name='scoring',
            ),
            migrations.RemoveField(
                model_name='deliberation',
                name='application',
            ),
            migrations.RemoveField(
                model_name='deliberation',
                name='recorded_by',
            ),
            migrations.RemoveField(
                model_name='deliberation',
                name='session',
            ),
            migrations.RemoveField(
                model_name='followupreport',
                name='application',
            ),
            migrations.RemoveField(
                model_name='followupreport',
                name='submitted_by',
            ),
            migrations.RemoveField(
                model_name='fundingline',
                name='dossier',
            ),
            migrations.RemoveField(
                model_name='fundingline',
                name='first_signer',
            ),
            migrations.RemoveField(
                model_name='fundingline',
                name='organisation',
            ),
            migrations.RemoveField(
                model_name='fundingline',
                name='process_ptr',
            ),
            migrations.RemoveField(
                model_name='fundingline',
                name='second_signer',
            ),
            migrations.RemoveField(
                model_name='scoring',
                name='dossier',
            ),
            migrations.RemoveField(
                model_name='scoring',
                name='member',
            ),
            migrations.RemoveField(
                model_name='scoring',
                name='process_ptr',
            ),
            migrations.RemoveField(
                model_name='scoring',
                name='session',
            ),
            migrations.RemoveField(
                model_name='tranche',
                name='application',
            ),
            migrations.RemoveField(
                model_name='tranche',
                name='released_by',
            ),
            migrations.DeleteModel(
                name='ConflictDeclaration',
            ),
            migrations.DeleteModel(
                name='Convention',
            ),
            migrations.DeleteModel(
                name='CriterionScore',
            ),
            migrations.DeleteModel(
                name='Deliberation',
            ),
            migrations.DeleteModel(
                name='FollowUpReport',
            ),
            migrations.DeleteModel(
                name='FundingLine',
            ),
            migrations.DeleteModel(
                name='Scoring',
            ),
            migrations.DeleteModel(
                name='Tranche',
            ),
            ],
            database_operations=[],
        ),
    ]
