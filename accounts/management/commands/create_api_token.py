"""`manage.py create_api_token USER [--name …]`: an API token for a user, printed once."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services


class Command(BaseCommand):
    help = "Make an API token for a user and print it (it is stored only as a digest)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Made with manage.py", help="What uses it.")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        try:
            token, key = services.token_create(user=user, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stderr.write(f"Expires {token.expiry:%d %B %Y}. Shown once; keep it safe.")
        self.stdout.write(key)
