# A SHA-256 of each uploaded file, so that an identical re-upload to a task is warned about.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('submissions', '0009_submissions_know_uploads_from_runs'),
    ]

    operations = [
        migrations.AddField(
            model_name='submission',
            name='content_hash',
            field=models.CharField(blank=True, db_default='', max_length=64),
        ),
    ]
