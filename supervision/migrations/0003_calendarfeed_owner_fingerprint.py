from django.db import migrations, models
from django.utils.crypto import salted_hmac

# As supervision.models.FEED_OWNER_SALT; repeated so this migration never changes with it.
SALT = "supervision.CalendarFeed.owner_fingerprint"


def fingerprint_live_feeds(apps, schema_editor):
    """Feeds made before this migration keep working until their owner's next password
    change: they take the owner's current password fingerprint."""
    CalendarFeed = apps.get_model("supervision", "CalendarFeed")
    feeds = CalendarFeed.objects.filter(revoked_at__isnull=True).select_related("person__user")
    for feed in feeds:
        password = feed.person.user.password
        feed.owner_fingerprint = salted_hmac(SALT, password, algorithm="sha256").hexdigest()
        feed.save(update_fields=["owner_fingerprint"])


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_seed_supervision_policy"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="owner_fingerprint",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(fingerprint_live_feeds, migrations.RunPython.noop),
    ]
