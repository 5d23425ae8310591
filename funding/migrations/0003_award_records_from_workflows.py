"""Funding lines, conventions, tranches and follow-up reports, moved here from ``workflows``
(state only: their tables, named in each model, keep their rows)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('funding', '0002_programme_grant_financier'),
        ('viewflow', '0015_task_scheduled'),
        ('workflows', '0011_committee_and_award_records_move'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Convention',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('required', models.BooleanField(verbose_name='obligatoire')),
                    ('waived', models.BooleanField(default=False, help_text='Possible seulement sous le seuil de la convention obligatoire.', verbose_name='remplacée par une notification')),
                    ('holder_signed_on', models.DateField(blank=True, null=True, verbose_name='signée par le bénéficiaire le')),
                    ('mel_signed_on', models.DateField(blank=True, null=True, verbose_name='signée par la MEL le')),
                    ('application', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='convention', to='workflows.application')),
                    ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'convention',
                    'verbose_name_plural': 'conventions',
                    'db_table': 'workflows_convention',
                },
            ),
            migrations.CreateModel(
                name='FundingLine',
                fields=[
                    ('process_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='viewflow.process')),
                    ('is_programme_grant', models.BooleanField(default=False, verbose_name='subvention Entreprendre Autrement')),
                    ('instrument', models.CharField(choices=[('SUBV_FONCT', 'Subvention de fonctionnement'), ('SUBV_INVEST', "Subvention d'investissement"), ('PRET_HONNEUR', "Prêt d'honneur"), ('AVANCE_REMB', 'Avance remboursable'), ('GARANTIE', 'Garantie bancaire'), ('PRET_BANCAIRE', 'Prêt bancaire'), ('PRET_SOLIDAIRE', 'Prêt solidaire / participatif'), ('APPORT_FP', 'Apport en fonds propres'), ('CAA', "Contrat d'apport associatif"), ('MICROCREDIT', 'Microcrédit'), ('DON_MECENAT', 'Don / mécénat / financement participatif'), ('ACCOMP_NONFIN', 'Aide non financière')], max_length=20, verbose_name='instrument')),
                    ('proposed_amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='montant proposé (€)')),
                    ('decided_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='montant accordé (€)')),
                    ('state', models.CharField(choices=[('pending', 'En attente de décision'), ('awaiting_second', 'Accordé, en attente de la seconde signature'), ('granted', 'Accordé'), ('declined', 'Refusé'), ('cancelled', 'Annulé')], db_index=True, default='pending', max_length=20, verbose_name='décision')),
                    ('reason', models.TextField(blank=True, verbose_name='motif ou commentaire')),
                    ('first_signed_at', models.DateTimeField(blank=True, null=True, verbose_name='première signature le')),
                    ('second_signed_at', models.DateTimeField(blank=True, null=True, verbose_name='seconde signature le')),
                    ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='funding_lines', to='workflows.application')),
                    ('first_signer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation', verbose_name='financeur')),
                    ('second_signer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'ligne de financement',
                    'verbose_name_plural': 'lignes de financement',
                    'db_table': 'workflows_fundingline',
                    'permissions': [('sign_fundingline', 'Décider et signer sa ligne de financement')],
                },
                bases=('viewflow.process',),
            ),
            migrations.CreateModel(
                name='FollowUpReport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('months', models.PositiveSmallIntegerField(verbose_name='échéance (mois après la décision)')),
                    ('due_on', models.DateField(verbose_name='à rendre le')),
                    ('is_final', models.BooleanField(default=False, verbose_name='rapport final')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='rendu le')),
                    ('reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='relance le')),
                    ('escalated_at', models.DateTimeField(blank=True, null=True, verbose_name='signalé au responsable le')),
                    ('jobs_created_fte', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='emplois créés (ETP)')),
                    ('jobs_kept_fte', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='emplois maintenus (ETP)')),
                    ('qpv_residents_hired', models.PositiveIntegerField(blank=True, null=True, verbose_name='dont personnes habitant un QPV')),
                    ('turnover', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name="chiffre d'affaires (€)")),
                    ('beneficiaries', models.PositiveIntegerField(blank=True, null=True, verbose_name='bénéficiaires')),
                    ('still_active', models.BooleanField(null=True, verbose_name='activité toujours en cours')),
                    ('comment', models.TextField(blank=True, verbose_name='commentaire')),
                    ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='workflows.application')),
                    ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'rapport de suivi',
                    'verbose_name_plural': 'rapports de suivi',
                    'db_table': 'workflows_followupreport',
                    'ordering': ['due_on', 'pk'],
                    'constraints': [models.UniqueConstraint(fields=('application', 'months'), name='one_report_per_due')],
                },
            ),
            migrations.CreateModel(
                name='Tranche',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('position', models.PositiveSmallIntegerField(verbose_name='ordre')),
                    ('label', models.CharField(max_length=80, verbose_name='tranche')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='montant (€)')),
                    ('conditions', models.JSONField(default=list, verbose_name='conditions')),
                    ('released_at', models.DateTimeField(blank=True, null=True, verbose_name='versement ordonné le')),
                    ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tranches', to='workflows.application')),
                    ('released_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'tranche de versement',
                    'verbose_name_plural': 'tranches de versement',
                    'db_table': 'workflows_tranche',
                    'ordering': ['position'],
                    'constraints': [models.UniqueConstraint(fields=('application', 'position'), name='one_tranche_per_rank')],
                },
            ),
            ],
            database_operations=[],
        ),
    ]
