"""Recompute every kept summary of the national view from its sources and compare."""

from django.core.management.base import BaseCommand, CommandError

from submissions import national


class Command(BaseCommand):
    help = (
        "Compare each plan's summary kept for the national view with one computed now from "
        "its sources; exit with an error naming each difference. --refresh first brings "
        "out-of-date summaries up to date."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="bring every year's summaries up to date before comparing",
        )

    def handle(self, *args, refresh=False, **options):
        if refresh:
            for year, count in national.summaries_bring_up_to_date().items():
                self.stdout.write(f"{year}: {count} summaries computed again")
        problems = national.summaries_check()
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} differences between kept and computed summaries")
        self.stdout.write("Every current summary agrees with its sources.")
