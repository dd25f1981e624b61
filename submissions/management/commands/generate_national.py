"""`manage.py generate_national --areas 150 --years 5 --seed N`: the national benchmark data.

A thin wrapper over tests/benchmarks/national.py. That generator writes synthetic data with
`bulk_create` straight on the models, one transaction per area, and so bypasses the
services and their history records on purpose: it is data for benchmarks, not anyone's
edits, and it stays out of the apps' code paths. Run it against an empty database (the
benchmarks use their own, bcf_bench).
"""

import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Generate a synthetic, deterministic national dataset (for the benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--areas", type=int, default=150)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--first-year", type=int, default=2022)
        parser.add_argument(
            "--snapshots",
            choices=("none", "latest", "all"),
            default="all",
            help="Which quarterly returns get a prepared snapshot (the rest stay drafts).",
        )

    def handle(self, *args, **options):
        from tests.benchmarks.national import generate

        started = time.perf_counter()
        try:
            totals = generate(
                areas=options["areas"],
                years=options["years"],
                seed=options["seed"],
                first_year=options["first_year"],
                snapshots=options["snapshots"],
                log=self.stdout.write,
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        for model, count in sorted(totals.rows.items()):
            self.stdout.write(f"{model:>24}: {count:,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{totals.areas} areas in {time.perf_counter() - started:.1f} s "
                f"({sum(totals.rows.values()):,} rows)"
            )
        )
