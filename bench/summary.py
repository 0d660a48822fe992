#!/usr/bin/env python3
"""The per-version summary tables of docs/performance.md, from the raw
figures of bench/run.sh (bench/results/pgNN.tsv), with each target of the
performance issue checked.

usage: bench/summary.py bench/results/pg15.tsv bench/results/pg17.tsv ...

Prints markdown: for each file, a header line with the versions and the run,
then one table (pg_beat, pg_cron bgw, pg_cron libpq, target and whether pg_beat
meets it).  A figure the run did not measure is left out.
"""
import sys

SCHEDS = ("beat", "cron_bgw", "cron_libpq")


def load(path):
    meta, values = {}, {}
    for line in open(path, encoding="utf-8"):
        p = line.rstrip("\n").split("\t")
        if p[0] == "S" and p[1].startswith(("2. Throughput: ", "7. Burst: ")):
            meta["n_" + p[1][0]] = f"{int(p[1].split()[2]):,}"
        elif p[0] == "M":
            meta[p[1]] = p[2]
        elif p[0] == "V":
            values[(p[1], p[2])] = p[3]
    return meta, values


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def fmt(v, unit):
    f = num(v)
    if f is None:
        return "n/a" if v is None else v
    if unit == "ms" and f >= 1000:
        return f"{f / 1000:.2f} s"
    if unit == "ms":
        return f"{f:.1f} ms"
    if unit == "runs/s" or unit == "tx/s":
        return f"{f:,.0f} {unit}"
    if unit == "B":
        return f"{f:,.0f} B"
    if unit == "x":
        return f"{f:.3f}"
    return f"{f:g}"


def best_cron(values, key, lower=True):
    vals = [num(values.get((key, s))) for s in SCHEDS[1:]]
    vals = [v for v in vals if v is not None]
    if not vals:
        return None
    return min(vals) if lower else max(vals)


def rows(values, meta):
    """(label, key, unit, target text, check(beat, values) -> bool or None)"""
    def lt(limit):
        return lambda b, v: b is not None and b < limit

    def zero(b, v):
        return b is not None and b == 0

    def third_of_cron(key):
        def check(b, v):
            c = best_cron(v, key)
            return None if b is None or c is None else b <= c / 3
        return check

    def ratio_cron(key, r, lower):
        def check(b, v):
            c = best_cron(v, key, lower)
            if b is None or c is None:
                return None
            return b <= c * r if lower else b >= c * r
        return check

    def at_least(x):
        return lambda b, v: b is not None and b >= x

    out = []
    for n in sorted({k[0][3:-4] for k in values if k[0].startswith("lag") and k[0].endswith(".p99")},
                    key=lambda x: int(x)):
        if n == "100":
            target, check = "< 30 ms", lt(30)
        elif n == "1000":
            target, check = "<= 0.1 x pg_cron's", ratio_cron(f"lag{n}.p99", 0.1, True)
        else:
            target, check = "", None
        out.append((f"{int(n):,} jobs due at once: start lag p99", f"lag{n}.p99", "ms", target, check))
        out.append((f"{int(n):,} jobs: runs lost or failed", f"lag{n}.lost", "", "none", zero))
        out.append((f"{int(n):,} jobs: WAL bytes per run", f"lag{n}.wal", "B",
                    "<= 1/3 of pg_cron's", third_of_cron(f"lag{n}.wal")))
    nt, nb = meta.get("n_2", "?"), meta.get("n_7", "?")
    out += [
        (f"throughput, {nt} jobs due at once", "tput.rate", "runs/s", ">= 5 x pg_cron's",
         ratio_cron("tput.rate", 5, False)),
        ("the same: WAL bytes per run", "tput.wal", "B", "<= 1/3 of pg_cron's", third_of_cron("tput.wal")),
        (f"{nb} jobs due at the same instant: start lag p99", "burst.p99", "ms", "< 2 s", lt(2000)),
        ("the same: runs lost or failed", "burst.lost", "", "none", zero),
        ("the same: throughput", "burst.rate", "runs/s", "", None),
        ("the same: WAL bytes per run", "burst.wal", "B", "<= 1/3 of pg_cron's", third_of_cron("burst.wal")),
        ("machine ceiling: pgbench SELECT 1, 32 clients", "ceil.tps", "tx/s", "", None),
        ("the same with a new connection per transaction (-C)", "ceil.tps_c", "tx/s", "", None),
        ("pgbench, a recorded run at its least per transaction (insert, SELECT 1, update)", "ceil.rec_tps",
         "tx/s", "", None),
        ("the same / ceiling: the most a scheduler recording each run reaches", "ceil.rec_frac", "x", "", None),
        ("the same: WAL bytes per recorded run", "ceil.rec_wal", "B", "", None),
        (f"throughput ({nt} jobs) / ceiling", "ceil.frac_tput", "x", ">= 0.5", at_least(0.5)),
        (f"throughput ({nb} jobs) / ceiling", "ceil.frac_burst", "x", ">= 0.5", at_least(0.5)),
    ]
    return out


def main():
    for path in sys.argv[1:]:
        meta, values = load(path)
        pg = meta.get("postgres", "?").split(" ")[0]
        print(f"### PostgreSQL {pg}, pg_cron {meta.get('pg_cron', '?').split('-')[0]}\n")
        print(f"{meta.get('os', '?')}; {meta.get('host', '?')}; pg_beat {meta.get('pg_beat', '?').split(',')[0]}; "
              f"run {meta.get('date', '?')}, {meta.get('mode', '?')}; load average at start / end "
              f"{meta.get('load_start', '?')} / {meta.get('load_end', '?')}.\n")
        print("| figure | pg_beat | pg_cron bgw | pg_cron libpq | target | pg_beat |")
        print("|---|---:|---:|---:|---|---|")
        for label, key, unit, target, check in rows(values, meta):
            if all((key, s) not in values for s in SCHEDS):
                continue
            b = values.get((key, "beat"))
            cells = [fmt(values.get((key, s)), unit) if (key, s) in values else "-" for s in SCHEDS]
            verdict = ""
            if check is not None:
                ok = check(num(b), values)
                verdict = "" if ok is None else ("met" if ok else "**not met**")
            print(f"| {label} | " + " | ".join(cells) + f" | {target} | {verdict} |")
        print()


if __name__ == "__main__":
    main()
