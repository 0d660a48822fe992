#!/usr/bin/env python3
"""test/monitoring/check.py: pg_beat's monitoring assets against the real tools.

Run as the server user (not root) by test/monitoring/run.sh, the "metrics"
tier of scripts/test.  Needs PG_BIN (the PostgreSQL bin directory, pg_beat
installed there), prometheus-postgres-exporter and promtool on PATH.

  1. a throwaway cluster preloading pg_beat, on a Unix socket only, with three
     jobs: ok-job succeeds every second, fail-job fails every second, late-job
     succeeds once and is then moved to a yearly schedule with overdue_after
     3 seconds (the dead man's switch fires);
  2. waits, with a deadline, until each did that;
  3. runs Debian's postgres_exporter with monitoring/pg_beat-queries.yml on
     loopback, connected as a role whose only grant is pg_monitor, scrapes
     /metrics and checks names, types, labels and values against what the
     jobs did (and against cron.job_stats, read before and after the scrape);
  4. checks that role sees the metrics and no command, nor any right in
     schema cron;
  5. promtool check rules and promtool test rules on monitoring/;
  6. the Grafana dashboard parses, uses a data-source variable, and plots only
     metrics the exporter produced (the alert rules likewise);
  7. cron.launch_active_jobs off: the exporter says paused, launcher up;
     then, with cron.max_running_jobs = 1 held by a long run, the other
     jobs' due runs wait for a run slot, and none once it is free;
  8. old history and a shorter cron.history_retention: the purge backlog
     figure follows the purge down to 0;
  9. restarts the cluster with a launcher that cannot start: the exporter
     says pg_beat_launcher_up 0, not just "nothing ran".

Every wait polls with a deadline.  Exits non-zero on the first failure.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MON = os.path.join(SRC, "monitoring")
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
EXPORTER = shutil.which("prometheus-postgres-exporter") or "/usr/bin/prometheus-postgres-exporter"
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"

JOB_LABELS = {"jobid", "jobname", "owner", "database"}
COMMANDS = ["SELECT 1/0", "SELECT 'ok-job'", "SELECT 'late-job'"]


def say(msg):
    print("==> " + msg, flush=True)


def fail(msg):
    print("METRICS TEST FAILED: " + msg, file=sys.stderr, flush=True)
    raise SystemExit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    print("ok - " + msg, flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, base):
        self.base = base
        self.data = os.path.join(base, "data")
        self.sock = base
        self.port = free_port()
        self.log = os.path.join(base, "server.log")

    def init(self):
        subprocess.run([os.path.join(PG_BIN, "initdb"), "-D", self.data, "-A", "trust",
                        "-U", "postgres", "--no-sync"], check=True, stdout=subprocess.DEVNULL)
        self.configure("postgres")

    def configure(self, database, run_slots=32):
        with open(os.path.join(self.data, "postgresql.auto.conf"), "w") as f:
            f.write("listen_addresses = ''\n"
                    "unix_socket_directories = '%s'\n"
                    "port = %d\n"
                    "shared_preload_libraries = 'pg_beat'\n"
                    "cron.database_name = '%s'\n"
                    "cron.max_running_jobs = %d\n"
                    "fsync = off\n" % (self.sock, self.port, database, run_slots))

    def pg_ctl(self, *args):
        subprocess.run([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-l", self.log,
                        "-w", "-t", "30"] + list(args), check=True, stdout=subprocess.DEVNULL)

    def psql(self, sql, user="postgres", check_rc=True):
        p = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-A", "-t",
                            "-v", "ON_ERROR_STOP=1", "-h", self.sock, "-p", str(self.port),
                            "-U", user, "-d", "postgres", "-c", sql],
                           capture_output=True, text=True)
        if check_rc and p.returncode != 0:
            fail("psql as %s: %s: %s" % (user, sql, p.stderr.strip()))
        return p

    def value(self, sql, user="postgres"):
        return self.psql(sql, user).stdout.strip()


def wait_for(what, fn, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            fail("timed out after %gs waiting for %s" % (timeout, what))
        time.sleep(0.2)


LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Prometheus text format: {name: [(labels, value)]} and {name: type}."""
    samples, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split(None, 3)
            types[name] = typ
            continue
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        if not m:
            fail("cannot parse metrics line: %r" % line)
        labels = dict(LABEL.findall(m.group(3) or ""))
        samples.setdefault(m.group(1), []).append((labels, float(m.group(4))))
    return samples, types


def scrape(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
        return r.read().decode()


def job_value(samples, name, jobname):
    rows = [v for (l, v) in samples.get(name, []) if l.get("jobname") == jobname]
    if len(rows) != 1:
        fail("%s{jobname=%r}: expected one series, got %d" % (name, jobname, len(rows)))
    return rows[0]


def stats(cluster, jobname):
    """cron.job_stats counters of a job, as the superuser reads them."""
    v = cluster.value("SELECT s.total_runs || ',' || s.total_failures FROM cron.job_stats s "
                      "JOIN cron.job j USING (jobid) WHERE j.jobname = '%s'" % jobname)
    runs, failures = v.split(",")
    return int(runs), int(failures)


def promql_metrics(expr):
    return set(re.findall(r"\bpg_beat_[a-z0-9_]+", expr))


def main():
    base = tempfile.mkdtemp(prefix="pg_beat-metrics.")
    os.chmod(base, 0o700)
    cluster = Cluster(base)
    exporter = None
    started = False
    try:
        # ---- 1. cluster and jobs ------------------------------------------
        say("cluster in %s (PostgreSQL from %s)" % (base, PG_BIN))
        cluster.init()
        cluster.pg_ctl("start")
        started = True
        t0 = time.time()
        cluster.psql("CREATE EXTENSION pg_beat")
        cluster.psql("CREATE ROLE beat_monitor LOGIN; GRANT pg_monitor TO beat_monitor")
        cluster.psql("SELECT cron.schedule('ok-job', '1 seconds', $$SELECT 'ok-job'$$)")
        cluster.psql("SELECT cron.schedule('fail-job', '1 seconds', 'SELECT 1/0')")
        cluster.psql("SELECT cron.schedule_in_database('late-job', '1 seconds', $$SELECT 'late-job'$$, "
                     "'postgres', overdue_after => '3 seconds')")

        # ---- 2. the jobs did what they do ---------------------------------
        say("waiting for runs")
        wait_for("late-job to succeed once", lambda: cluster.value(
            "SELECT s.last_success IS NOT NULL FROM cron.job j JOIN cron.job_stats s USING (jobid) "
            "WHERE j.jobname = 'late-job'") == "t")
        # from now on its next run is a year away: the dead man's switch fires
        cluster.psql("SELECT cron.alter_job(jobid, schedule => '0 0 1 1 *') FROM cron.job "
                     "WHERE jobname = 'late-job'")
        wait_for("ok-job to succeed twice and fail-job to fail twice", lambda: cluster.value(
            "SELECT bool_and(CASE j.jobname WHEN 'ok-job' THEN s.total_runs >= 2 AND s.total_failures = 0 "
            "ELSE s.consecutive_failures >= 2 END) AND count(*) = 2 "
            "FROM cron.job j JOIN cron.job_stats s USING (jobid) "
            "WHERE j.jobname IN ('ok-job', 'fail-job')") == "t")
        wait_for("late-job to be overdue", lambda: cluster.value(
            "SELECT overdue FROM cron_metrics.jobs() WHERE jobname = 'late-job'") == "t")

        # ---- 3. the exporter ----------------------------------------------
        say("postgres_exporter with monitoring/pg_beat-queries.yml")
        port = free_port()
        env = dict(os.environ)
        env["DATA_SOURCE_NAME"] = ("host=%s port=%d user=beat_monitor dbname=postgres sslmode=disable"
                                   % (cluster.sock, cluster.port))
        exporter_log = open(os.path.join(base, "exporter.log"), "w")
        exporter = subprocess.Popen(
            [EXPORTER, "--extend.query-path=" + os.path.join(MON, "pg_beat-queries.yml"),
             "--web.listen-address=127.0.0.1:%d" % port, "--disable-settings-metrics",
             "--log.level=warn"],
            env=env, stdout=exporter_log, stderr=subprocess.STDOUT)

        before = {j: stats(cluster, j) for j in ("ok-job", "fail-job")}

        def scraped():
            if exporter.poll() is not None:
                fail("the exporter exited: %s" % open(exporter_log.name).read()[-2000:])
            try:
                text = scrape(port)
            except OSError:
                return None
            return text if "pg_beat_job_runs_total{" in text else None
        text = wait_for("the exporter to serve pg_beat metrics", scraped)
        after = {j: stats(cluster, j) for j in ("ok-job", "fail-job")}
        samples, types = parse_metrics(text)
        beat = {n for n in samples if n.startswith("pg_beat")}
        print("pg_beat metrics: " + " ".join(sorted(beat)))

        expected_types = {
            "pg_beat_launcher_up": "gauge",
            "pg_beat_launcher_last_wakeup_timestamp_seconds": "gauge",
            "pg_beat_runs_started_total": "counter",
            "pg_beat_runs_in_flight": "gauge",
            "pg_beat_runs_waiting": "gauge",
            "pg_beat_history_purge_backlog_rows": "gauge",
            "pg_beat_job_runs_total": "counter",
            "pg_beat_job_failures_total": "counter",
            "pg_beat_job_skipped_total": "counter",
            "pg_beat_job_consecutive_failures": "gauge",
            "pg_beat_job_last_success_timestamp_seconds": "gauge",
            "pg_beat_job_duration_seconds": "gauge",
            "pg_beat_job_lateness_seconds": "gauge",
            "pg_beat_job_overdue": "gauge",
            "pg_beat_job_running": "gauge",
        }
        for name, typ in expected_types.items():
            check(types.get(name) == typ and name in samples,
                  "%s is exported as a %s" % (name, typ))

        # scheduler-wide values
        up = samples["pg_beat_launcher_up"][0][1]
        check(up == 1, "pg_beat_launcher_up is 1 while the launcher runs")
        wake = samples["pg_beat_launcher_last_wakeup_timestamp_seconds"][0][1]
        check(abs(time.time() - wake) < 90, "the launcher woke up in the last 90 s (%.1f s ago)"
              % (time.time() - wake))
        check(samples["pg_beat_runs_started_total"][0][1] >= 5,
              "pg_beat_runs_started_total counts the runs started")
        reasons = {l.get("reason"): v for (l, v) in samples["pg_beat_runs_waiting"]}
        check(set(reasons) == {"worker", "slot", "group"} and all(v >= 0 for v in reasons.values()),
              "pg_beat_runs_waiting has one series per reason (worker, slot, group)")
        check(samples["pg_beat_runs_started_last_minute"][0][1] >= 2,
              "pg_beat_runs_started_last_minute counts the runs of the last minute")
        check(samples["pg_beat_history_purge_backlog_rows"][0][1] == 0,
              "no history to purge in a new cluster")

        # per-job series: labels, then values against what the jobs did
        for name in beat:
            if not name.startswith("pg_beat_job_"):
                continue
            for labels, _ in samples[name]:
                extra = set(labels) - JOB_LABELS - {"server"}
                check_labels = JOB_LABELS <= set(labels) and not extra
                if not check_labels:
                    fail("%s has labels %s; expected %s" % (name, sorted(labels), sorted(JOB_LABELS)))
            jobnames = sorted(l["jobname"] for (l, _) in samples[name])
            if jobnames != ["fail-job", "late-job", "ok-job"]:
                fail("%s covers jobs %s" % (name, jobnames))
        print("ok - every pg_beat_job_* series has labels jobid, jobname, owner, database, one per job")
        for labels, _ in samples["pg_beat_job_runs_total"]:
            check(labels["owner"] == "postgres" and labels["database"] == "postgres",
                  "%s: owner and database labels" % labels["jobname"])
        for bad in ("runid", "command"):
            check(not any(bad in l for n in beat for (l, _) in samples[n]), "no %s label" % bad)
        check(not any(c in text for c in COMMANDS), "no command text in the scrape")

        for job in ("ok-job", "fail-job"):
            runs = job_value(samples, "pg_beat_job_runs_total", job)
            failures = job_value(samples, "pg_beat_job_failures_total", job)
            check(before[job][0] <= runs <= after[job][0],
                  "%s: runs_total %d within cron.job_stats' %d..%d" % (job, runs, before[job][0], after[job][0]))
            check(before[job][1] <= failures <= after[job][1],
                  "%s: failures_total %d within cron.job_stats' %d..%d"
                  % (job, failures, before[job][1], after[job][1]))
        check(job_value(samples, "pg_beat_job_failures_total", "ok-job") == 0, "ok-job never failed")
        check(job_value(samples, "pg_beat_job_consecutive_failures", "ok-job") == 0,
              "ok-job has no consecutive failures")
        check(job_value(samples, "pg_beat_job_last_success_timestamp_seconds", "ok-job") >= t0 - 1,
              "ok-job's last success is after the test started")
        check(job_value(samples, "pg_beat_job_consecutive_failures", "fail-job") >= 2,
              "fail-job has consecutive failures")
        check(job_value(samples, "pg_beat_job_last_success_timestamp_seconds", "fail-job") == 0,
              "fail-job never succeeded (last success 0)")
        check(job_value(samples, "pg_beat_job_overdue", "late-job") == 1, "late-job is overdue")
        check(job_value(samples, "pg_beat_job_overdue", "ok-job") == 0, "ok-job is not overdue")
        dur = job_value(samples, "pg_beat_job_duration_seconds", "ok-job")
        check(0 <= dur < 10, "ok-job's duration is a few seconds at most (%g)" % dur)
        late = job_value(samples, "pg_beat_job_lateness_seconds", "ok-job")
        check(0 <= late < 10, "ok-job's lateness is small and in seconds (%g)" % late)
        check(job_value(samples, "pg_beat_job_skipped_total", "ok-job") >= 0, "skipped_total is there")

        # ---- 4. the monitoring role sees the metrics, nothing else ------------
        say("the monitoring role's rights")
        check(cluster.value("SELECT count(*) FROM cron_metrics.jobs()", user="beat_monitor") == "3",
              "beat_monitor (pg_monitor only) sees the three jobs' metrics")
        for sql in ("SELECT command FROM cron.job",
                    "SELECT return_message FROM cron.job_run_details",
                    "SELECT cron.schedule('0 0 1 1 *', 'SELECT 1')",
                    "INSERT INTO cron.job (schedule, command) VALUES ('0 0 1 1 *', 'SELECT 1')"):
            p = cluster.psql(sql, user="beat_monitor", check_rc=False)
            check(p.returncode != 0 and "permission denied" in p.stderr,
                  "beat_monitor may not: %s" % sql)

        # ---- 5. alert rules ------------------------------------------------
        say("promtool")
        rules = os.path.join(MON, "pg_beat.rules.yml")
        p = subprocess.run([PROMTOOL, "check", "rules", rules], capture_output=True, text=True)
        print(p.stdout + p.stderr)
        check(p.returncode == 0, "promtool check rules accepts monitoring/pg_beat.rules.yml")
        p = subprocess.run([PROMTOOL, "test", "rules", "pg_beat.rules.test.yml"],
                           capture_output=True, text=True, cwd=MON)
        print(p.stdout + p.stderr)
        check(p.returncode == 0, "promtool test rules passes monitoring/pg_beat.rules.test.yml")
        rule_metrics = promql_metrics(open(rules).read())
        check(rule_metrics and rule_metrics <= beat,
              "every metric the rules use is exported (%s)" % " ".join(sorted(rule_metrics - beat) or ["all found"]))

        # ---- 6. the dashboard ----------------------------------------------
        say("Grafana dashboard")
        with open(os.path.join(MON, "grafana-dashboard.json")) as f:
            dash = json.load(f)
        exprs, datasources = [], []

        def walk(node):
            if isinstance(node, dict):
                if "expr" in node and isinstance(node["expr"], str):
                    exprs.append(node["expr"])
                if "datasource" in node:
                    datasources.append(node["datasource"])
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(dash.get("panels", []))
        check(len(exprs) >= 8, "the dashboard has panels with queries (%d)" % len(exprs))
        plotted = set()
        for e in exprs:
            plotted |= promql_metrics(e)
        tvars = dash.get("templating", {}).get("list", [])
        for v in tvars:
            plotted |= promql_metrics(v.get("definition", ""))
        check(plotted and plotted <= beat, "every metric the dashboard plots is exported (missing: %s)"
              % (" ".join(sorted(plotted - beat)) or "none"))
        dsvars = [v for v in tvars if v.get("type") == "datasource" and v.get("query") == "prometheus"]
        check(len(dsvars) == 1, "a Prometheus data-source template variable")
        dsname = "${%s}" % dsvars[0]["name"]
        hard = [d for d in datasources
                if not (d == dsname or (isinstance(d, dict) and d.get("uid") == dsname))]
        check(not hard, "no hard-coded data source (%s)" % hard[:3])

        # ---- 7. paused, and runs waiting for a run slot ---------------------
        say("every job paused (cron.launch_active_jobs off)")
        check(cluster.value("SELECT last_wakeup > launcher_started + interval '1 second' "
                            "FROM cron_metrics.scheduler()", user="beat_monitor") == "t",
              "the launcher's last wake-up moves on as it works")
        cluster.psql("ALTER SYSTEM SET cron.launch_active_jobs = off")
        cluster.psql("SELECT pg_reload_conf()")

        def metrics_now():
            try:
                s, _ = parse_metrics(scrape(port))
            except OSError:
                return None, {}
            if "pg_beat_launcher_up" not in s:
                return None, {}
            return s, {l.get("reason"): v for (l, v) in s.get("pg_beat_runs_waiting", [])}

        def paused():
            s, waiting = metrics_now()
            return (s is not None and s["pg_beat_launch_active"][0][1] == 0
                    and s["pg_beat_launcher_up"][0][1] == 1)
        wait_for("pg_beat_launch_active 0 with the launcher up", paused)
        print("ok - paused: pg_beat_launch_active 0, pg_beat_launcher_up 1")
        cluster.psql("ALTER SYSTEM RESET cron.launch_active_jobs")

        say("one run slot, held by a long run")
        cluster.pg_ctl("stop", "-m", "fast")
        cluster.configure("postgres", run_slots=1)
        cluster.pg_ctl("start")
        cluster.psql("SELECT cron.schedule('sleeper', '1 seconds', 'SELECT pg_sleep(120)')")

        def slot_full():
            s, waiting = metrics_now()
            if s is None:
                return False
            sleeper = [v for (l, v) in s.get("pg_beat_job_running", []) if l.get("jobname") == "sleeper"]
            return (s["pg_beat_run_slots"][0][1] == 1 and s["pg_beat_runs_in_flight"][0][1] == 1
                    and sleeper == [1] and waiting.get("slot", 0) >= 2)
        wait_for("the other jobs' runs to wait for the one run slot", slot_full)
        print("ok - pg_beat_runs_waiting{reason=\"slot\"} counts the runs due behind a full cron.max_running_jobs")
        cluster.psql("SELECT cron.unschedule('sleeper')")
        wait_for("no run to wait once the slot is free", lambda: cluster.value(
            "SELECT runs_waiting_for_slot = 0 AND runs_started_last_minute > 0 "
            "FROM cron_metrics.scheduler()", user="beat_monitor") == "t")
        print("ok - the slot freed, no run waits")

        # ---- 8. the purge backlog -------------------------------------------
        # 20000 rows older than any retention; a new retention makes the
        # launcher purge at once, in batches, counting the backlog as it goes.
        # How fast it drains is the machine's business: the figure must follow
        # the rows left (within the one batch that may end between reading the
        # two) and end at 0, measured after the change.
        say("the history purge backlog")
        old_rows = 20000
        cluster.psql("INSERT INTO cron.job_run_details (jobid, status, start_time, end_time, scheduled_time) "
                     "SELECT j.jobid, 'succeeded', t, t, t FROM cron.job j, "
                     "generate_series(now() - interval '400 days', now() - interval '300 days', "
                     "interval '100 days' / %d) t WHERE j.jobname = 'ok-job' LIMIT %d" % (old_rows, old_rows))
        changed_at = float(cluster.value("SELECT extract(epoch FROM now())"))
        cluster.psql("ALTER SYSTEM SET cron.history_retention = '200 days'")
        cluster.psql("SELECT pg_reload_conf()")
        seen = []

        def purge_done():
            v = cluster.value(
                "SELECT s.purge_backlog || ',' || COALESCE(extract(epoch FROM s.purge_backlog_at), 0) || ',' || "
                "(SELECT count(*) FROM cron.job_run_details WHERE end_time < now() - interval '200 days') "
                "FROM cron_metrics.scheduler() s", user="postgres")
            backlog, at, left = v.split(",")
            if float(at) >= changed_at:
                seen.append((int(backlog), int(left)))
            return float(at) >= changed_at and int(backlog) == 0 and int(left) == 0
        wait_for("the purge to catch up and say so", purge_done)
        print("(backlog, rows left) measured since the change: %s" % sorted(set(seen), reverse=True)[:10])
        # one batch (at most 10000 rows) may be deleted between the two reads
        off = [(b, l) for (b, l) in seen if abs(b - l) > 10000]
        check(not off, "the backlog figure follows the rows left to purge (%s)" % (off[:3] or "always"))
        text = scrape(port)
        check(parse_metrics(text)[0]["pg_beat_history_purge_backlog_rows"][0][1] == 0,
              "pg_beat_history_purge_backlog_rows is 0 once the purge caught up")
        cluster.psql("ALTER SYSTEM RESET cron.history_retention")

        # ---- 9. no launcher is not "nothing due" --------------------------
        say("a cluster whose launcher cannot start")
        cluster.pg_ctl("stop", "-m", "fast")
        cluster.configure("beat_nowhere")
        cluster.pg_ctl("start")

        def launcher_down():
            try:
                s, _ = parse_metrics(scrape(port))
            except OSError:
                return False
            return s.get("pg_beat_launcher_up", [({}, 1)])[0][1] == 0
        wait_for("pg_beat_launcher_up 0", launcher_down)
        print("ok - pg_beat_launcher_up is 0 while no launcher runs")
        check(cluster.value("SELECT launcher_up FROM cron_metrics.scheduler()",
                            user="beat_monitor") == "f", "cron_metrics.scheduler() says no launcher")
        say("all metrics checks passed (%.0f s)" % (time.time() - t0))
    finally:
        if exporter is not None:
            exporter.terminate()
            try:
                exporter.wait(10)
            except subprocess.TimeoutExpired:
                exporter.kill()
        if started:
            subprocess.run([os.path.join(PG_BIN, "pg_ctl"), "-D", cluster.data, "-w", "-m",
                            "immediate", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if os.environ.get("KEEP_SCRATCH"):
            print("kept " + base)
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
