# The launcher's update of a run's history row finds it through the runid
# index even when its kept plan was built against an empty, vacuumed
# history (issue 15): a sequential scan costs nothing then, and a generic
# plan keeps it while a burst adds thousands of rows, so that every run's
# outcome reads every run recorded before it.  auto_explain, preloaded
# beside pg_beat, logs the plans of the launcher's statements.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = beat_node(
	'plans', conf => <<'EOC');
shared_preload_libraries = 'pg_beat, auto_explain'
auto_explain.log_min_duration = 0
auto_explain.log_nested_statements = on
EOC
sub q1 { return $node->safe_psql('postgres', $_[0]); }

# what the benchmark does before a burst: reltuples 0, relpages 0
q1('VACUUM ANALYZE cron.job_run_details');
is( q1(q{SELECT relpages, reltuples FROM pg_class
          WHERE oid = 'cron.job_run_details'::regclass}),
	'0|0', 'the history is empty and vacuumed');

my $log_offset = -s $node->logfile;
my $jobid = q1(q{SELECT cron.schedule('tick', '1 seconds', 'SELECT 1')});

# more runs than the plan cache needs to settle on a generic plan (5)
ok(wait_finished_runs($node, $jobid, 10, 60), 'ten runs finished');
q1("SELECT cron.unschedule($jobid)");

my $log = slurp_file($node->logfile, $log_offset);
my @plans = grep { /Query Text: UPDATE cron\.job_run_details SET/ }
  split /\n(?=\S)/, $log;
cmp_ok(scalar(@plans), '>=', 10,
	'the launcher updated the history rows (auto_explain logged the plans)');
is( scalar(grep { /Seq Scan on job_run_details/ } @plans),
	0, 'no update of a run scans the history');
is( scalar(grep { !/Index Scan using job_run_details_pkey/ } @plans),
	0, 'every update finds its row through the runid index');

$node->stop('fast');
done_testing();
