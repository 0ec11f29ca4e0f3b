"""A tiny Django "view" that saves an Item and publishes ItemChanged after the commit.

Run against a broker (the worker then writes the item to Weaviate):

    pip install "../../clients/python[django]"      # the weaviate_sync package
    python3 example_view.py --bootstrap 127.0.0.1:9092 --topic item-changed \
        --id 6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b --title "Desk lamp" --price 19.9

It also runs one update whose transaction rolls back, to show that nothing is published for it.
Prints a JSON summary on stdout.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        INSTALLED_APPS=[],
        USE_TZ=True,
    )
    django.setup()

from django.db import connection, transaction  # noqa: E402

from weaviate_sync import ChangePublisher, item_changed, publish_on_commit  # noqa: E402


def setup_schema() -> None:
    with connection.cursor() as c:
        c.execute("CREATE TABLE IF NOT EXISTS item (id TEXT PRIMARY KEY, title TEXT, price REAL, version INTEGER)")


def update_item(publisher: ChangePublisher, item_id: str, title: str, price: float, fail: bool = False) -> int:
    """What a view does: write the row, and publish the full new state once the transaction commits."""
    with transaction.atomic():
        with connection.cursor() as c:
            c.execute("SELECT version FROM item WHERE id = %s", [item_id])
            row = c.fetchone()
            version = (row[0] if row else 0) + 1
            c.execute("INSERT OR REPLACE INTO item (id, title, price, version) VALUES (%s, %s, %s, %s)",
                      [item_id, title, price, version])
        publish_on_commit(publisher, item_changed(item_id, version=version,
                                                  properties={"title": title, "price": price}))
        if fail:
            raise RuntimeError("simulated failure after the write: the transaction rolls back")
    return version


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--topic", default="item-changed")
    p.add_argument("--id", required=True)
    p.add_argument("--title", required=True)
    p.add_argument("--price", type=float, default=0.0)
    args = p.parse_args(argv)

    setup_schema()
    publisher = ChangePublisher(args.bootstrap, topics={"ItemChanged": args.topic})
    version = update_item(publisher, args.id, args.title, args.price)
    rolled_back = False
    try:
        update_item(publisher, args.id, args.title + " (never committed)", args.price, fail=True)
    except RuntimeError:
        rolled_back = True
    undelivered = publisher.flush(30)
    print(json.dumps({"published_version": version, "rolled_back_update_published": False,
                      "rolled_back": rolled_back, "undelivered": undelivered, "errors": publisher.errors}))
    return 0 if undelivered == 0 and not publisher.errors else 1


if __name__ == "__main__":
    sys.exit(main())
