"""Generate the demo warehouse's raw seeds (deterministic: fixed random seed).

A small sales business: customers, products and an order CDC feed delivered in batches. The
feed deliberately contains what real feeds do: inserts, updates, deletes, the same change twice
in a batch, and late rows whose event time precedes changes already delivered. Customers and
products change between batches too (for SCD2 / SCD1 / SCD3 loads).
Run: python examples/sales_warehouse/scripts/generate_seeds.py
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent.parent / "seeds" / "raw"
BATCHES = 4
START = dt.datetime(2024, 3, 1, 8, 0, 0)

COUNTRIES = ["DE", "FR", "NL", "US", "GB", "ES"]
SEGMENTS = ["consumer", "small_business", "enterprise"]
FIRST = ["Ada", "Bo", "Chen", "Dara", "Eli", "Fatima", "Goran", "Hana", "Ivo", "Jun", "Kemal", "Lena"]
LAST = ["Novak", "Okafor", "Petit", "Quinn", "Rossi", "Sato", "Trent", "Ueda", "Vargas", "Weber"]
PRODUCTS = [
    ("Espresso beans 1kg", "coffee", 24.90),
    ("Filter beans 1kg", "coffee", 19.50),
    ("Decaf beans 500g", "coffee", 12.00),
    ("Ceramic dripper", "equipment", 29.00),
    ("Gooseneck kettle", "equipment", 64.00),
    ("Burr grinder", "equipment", 149.00),
    ("Paper filters x100", "supplies", 6.50),
    ("Descaler", "supplies", 9.90),
    ("Travel mug", "merch", 18.00),
    ("Barista course", "services", 120.00),
]
STATUSES = ["pending", "completed", "cancelled"]


def ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (SEED_DIR / name).open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:  # noqa: PLR0915 (one linear script; splitting it hides the data story)
    rng = random.Random(20240301)
    SEED_DIR.mkdir(parents=True, exist_ok=True)

    # Customers: 40 in batch 1; later batches change some (segment, email, country) and add new ones.
    customers: dict[int, list[object]] = {}
    customer_rows: list[list[object]] = []
    for customer_id in range(1, 41):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        email = f"{name.lower().replace(' ', '.')}{customer_id}@example.com"
        customers[customer_id] = [customer_id, name, email, rng.choice(COUNTRIES), rng.choice(SEGMENTS)]
        customer_rows.append([*customers[customer_id], ts(START - dt.timedelta(days=30)), 1])
    for batch in range(2, BATCHES + 1):
        batch_time = START + dt.timedelta(days=batch - 1)
        for customer_id in rng.sample(sorted(customers), 6):
            row = list(customers[customer_id])
            row[4] = rng.choice([s for s in SEGMENTS if s != row[4]])
            if rng.random() < 0.5:
                row[3] = rng.choice([c for c in COUNTRIES if c != row[3]])
            customers[customer_id] = row
            customer_rows.append([*row, ts(batch_time + dt.timedelta(minutes=rng.randint(0, 600))), batch])
        new_id = max(customers) + 1
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        customers[new_id] = [
            new_id,
            name,
            f"{name.lower().replace(' ', '.')}{new_id}@example.com",
            rng.choice(COUNTRIES),
            rng.choice(SEGMENTS),
        ]
        customer_rows.append([*customers[new_id], ts(batch_time), batch])
    write(
        "raw_customers.csv",
        ["customer_id", "customer_name", "email", "country", "segment", "updated_at", "batch_id"],
        customer_rows,
    )

    # Products: a price change and a category rename in later batches.
    product_rows: list[list[object]] = []
    for product_id, (name, category, price) in enumerate(PRODUCTS, start=1):
        product_rows.append(
            [product_id, name, category, f"{price:.2f}", ts(START - dt.timedelta(days=60)), 1]
        )
    product_rows.append([1, PRODUCTS[0][0], "coffee", "26.90", ts(START + dt.timedelta(days=1, hours=2)), 2])
    product_rows.append(
        [9, PRODUCTS[8][0], "merchandise", "18.00", ts(START + dt.timedelta(days=2, hours=5)), 3]
    )
    product_rows.append(
        [6, PRODUCTS[5][0], "equipment", "139.00", ts(START + dt.timedelta(days=3, hours=1)), 4]
    )
    write(
        "raw_products.csv",
        ["product_id", "product_name", "category", "unit_price", "updated_at", "batch_id"],
        product_rows,
    )

    # Orders CDC feed: op I/U/D; event_at is when it happened, loaded_at when the batch landed.
    order_rows: list[list[object]] = []
    live: dict[int, list[object]] = {}
    next_order = 1000
    for batch in range(1, BATCHES + 1):
        loaded_at = START + dt.timedelta(days=batch - 1, hours=23)
        day_start = START + dt.timedelta(days=batch - 1)
        batch_rows: list[list[object]] = []
        for _ in range(25):  # inserts
            product_id = rng.randint(1, len(PRODUCTS))
            quantity = rng.randint(1, 4)
            unit_price = PRODUCTS[product_id - 1][2]
            event_at = day_start + dt.timedelta(minutes=rng.randint(0, 14 * 60))
            row = [
                next_order,
                rng.randint(1, 40),
                product_id,
                quantity,
                f"{unit_price:.2f}",
                f"{quantity * unit_price:.2f}",
                "pending",
            ]
            live[next_order] = row
            batch_rows.append([*row, "I", ts(event_at), ts(loaded_at), batch])
            next_order += 1
        if batch > 1:
            for order_id in rng.sample(sorted(live), 8):  # updates: status progresses
                row = list(live[order_id])
                row[6] = rng.choice(["completed", "cancelled"])
                live[order_id] = row
                event_at = day_start + dt.timedelta(minutes=rng.randint(0, 14 * 60))
                batch_rows.append([*row, "U", ts(event_at), ts(loaded_at), batch])
            for order_id in rng.sample(sorted(live), 2):  # deletes
                row = live.pop(order_id)
                event_at = day_start + dt.timedelta(minutes=rng.randint(0, 14 * 60))
                batch_rows.append([*row, "D", ts(event_at), ts(loaded_at), batch])
            # A late row: an update whose event time is two days before this batch.
            order_id = rng.choice(sorted(live))
            late = list(live[order_id])
            late[6] = "pending"
            batch_rows.append([*late, "U", ts(day_start - dt.timedelta(days=2)), ts(loaded_at), batch])
        batch_rows.append(list(batch_rows[3]))  # the same change delivered twice in one batch
        order_rows.extend(batch_rows)
    write(
        "raw_orders_cdc.csv",
        [
            "order_id",
            "customer_id",
            "product_id",
            "quantity",
            "unit_price",
            "line_total",
            "status",
            "op",
            "event_at",
            "loaded_at",
            "batch_id",
        ],
        order_rows,
    )


if __name__ == "__main__":
    main()
