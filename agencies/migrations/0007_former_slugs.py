"""Former slugs: an agency's old public address redirects to its new one (agencies.former_slugs).

Also the slug's help text, which no longer warns that changing it breaks old links.
"""

import bandung_iso.db
import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0006_unknown_status_reorganisation'),
    ]

    operations = [
        migrations.AlterField(
            model_name='agency',
            name='slug',
            field=models.SlugField(help_text='Bagian alamat halaman publik SKPD. Bila diubah, alamat lama tetap dicatat dan dialihkan ke alamat baru; slug lama SKPD lain tidak dapat dipakai.', max_length=200, verbose_name='slug'),
        ),
        migrations.AlterField(
            model_name='historicalagency',
            name='slug',
            field=models.SlugField(help_text='Bagian alamat halaman publik SKPD. Bila diubah, alamat lama tetap dicatat dan dialihkan ke alamat baru; slug lama SKPD lain tidak dapat dipakai.', max_length=200, verbose_name='slug'),
        ),
        migrations.CreateModel(
            name='FormerSlug',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(help_text='Alamat lama SKPD ini; /skpd/<slug lama>/ dialihkan ke alamatnya sekarang.', max_length=200, verbose_name='slug lama')),
                ('replaced_at', models.DateTimeField(auto_now_add=True, verbose_name='diganti pada')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='former_slugs', to='agencies.agency', verbose_name='SKPD')),
            ],
            options={
                'verbose_name': 'slug lama SKPD',
                'verbose_name_plural': 'slug lama SKPD',
                'ordering': ['slug'],
                'constraints': [models.UniqueConstraint(fields=('slug',), name='former_slug_unique', violation_error_code='unique', violation_error_message='Slug lama ini sudah tercatat untuk SKPD lain.'), models.CheckConstraint(condition=django.db.models.lookups.GreaterThan(django.db.models.functions.text.Length(bandung_iso.db.StripWhitespace('slug')), 0), name='former_slug_has_text', violation_error_message='Slug lama wajib diisi.')],
            },
        ),
    ]
