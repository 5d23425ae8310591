"""Scorings, criterion scores, conflicts of interest and deliberations, moved here from
``workflows`` (state only: their tables, named in each model, keep their rows)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('funding', '0003_award_records_from_workflows'),
        ('reviewers', '0001_initial'),
        ('viewflow', '0015_task_scheduled'),
        ('workflows', '0011_committee_and_award_records_move'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Deliberation',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('outcome', models.CharField(choices=[('favourable', 'Avis favorable'), ('with_conditions', 'Avis favorable sous conditions'), ('adjourned', 'Ajourné'), ('unfavourable', 'Avis défavorable')], max_length=20, verbose_name='avis')),
                    ('proposed_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='montant proposé (€)')),
                    ('conditions', models.TextField(blank=True, verbose_name='conditions')),
                    ('reasons', models.TextField(blank=True, verbose_name='motivation')),
                    ('average_score', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='note moyenne (sur 100)')),
                    ('scorings_submitted', models.PositiveSmallIntegerField(default=0, verbose_name='notations reçues')),
                    ('members_withdrawn', models.PositiveSmallIntegerField(default=0, verbose_name='membres déportés')),
                    ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='enregistré le')),
                    ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliberations', to='workflows.application')),
                    ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deliberations', to='reviewers.committeesession')),
                ],
                options={
                    'verbose_name': 'délibération',
                    'verbose_name_plural': 'délibérations',
                    'db_table': 'workflows_deliberation',
                    'ordering': ['recorded_at', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='Scoring',
                fields=[
                    ('process_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='viewflow.process')),
                    ('comment', models.TextField(blank=True, verbose_name='commentaire')),
                    ('weighted_score', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='note pondérée (sur 100)')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='notée le')),
                    ('reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='relancé·e le')),
                    ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scorings', to='workflows.application')),
                    ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reviewers.committeesession')),
                ],
                options={
                    'verbose_name': 'notation',
                    'verbose_name_plural': 'notations',
                    'db_table': 'workflows_scoring',
                },
                bases=('viewflow.process',),
            ),
            migrations.CreateModel(
                name='CriterionScore',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('score', models.PositiveSmallIntegerField(verbose_name='note')),
                    ('comment', models.CharField(blank=True, max_length=500, verbose_name='commentaire')),
                    ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='funding.scoringcriterion')),
                    ('scoring', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='reviewers.scoring')),
                ],
                options={
                    'verbose_name': 'note par critère',
                    'verbose_name_plural': 'notes par critère',
                    'db_table': 'workflows_criterionscore',
                    'ordering': ['criterion__position', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='ConflictDeclaration',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('reason', models.CharField(blank=True, max_length=300, verbose_name='motif')),
                    ('automatic', models.BooleanField(default=False, help_text='Le membre appartient à la structure qui accompagne le projet.', verbose_name='détecté automatiquement')),
                    ('declared_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='déclaré le')),
                    ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conflicts', to='workflows.application')),
                    ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='conflicts', to='reviewers.committeesession')),
                ],
                options={
                    'verbose_name': "déclaration de conflit d'intérêts",
                    'verbose_name_plural': "déclarations de conflit d'intérêts",
                    'db_table': 'workflows_conflictdeclaration',
                    'constraints': [models.UniqueConstraint(fields=('session', 'application', 'member'), name='one_conflict_per_member')],
                },
            ),
            migrations.AddConstraint(
                model_name='scoring',
                constraint=models.UniqueConstraint(fields=('dossier', 'session', 'member'), name='one_scoring_per_member'),
            ),
            migrations.AddConstraint(
                model_name='criterionscore',
                constraint=models.UniqueConstraint(fields=('scoring', 'criterion'), name='one_score_per_criterion'),
            ),
            ],
            database_operations=[],
        ),
    ]
