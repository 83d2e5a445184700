#!/usr/bin/perl
# Reads permissions-listen's JSON lines on stdin; for each, the delay from
# the notification's created_at (set just before its transaction commits)
# to the moment the line arrived.  Prints: count, lines per second over the
# span from first to last arrival, p50 and p99 delay in ms.
use strict;
use warnings;
use Time::HiRes qw(time);
use Time::Local qw(timegm);

my (@delays, $first, $last);
$| = 1;
while (my $line = <STDIN>)
{
	my $now = time;
	next unless $line =~ /"created_at" : "(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)(\.\d+)?([+-]\d+):?(\d+)?"/;
	my $t = timegm($6, $5, $4, $3, $2 - 1, $1) + ($7 // 0);
	my $off = ($8 * 3600) + (($8 < 0 ? -1 : 1) * ($9 // 0) * 60);
	$t -= $off;
	push @delays, ($now - $t) * 1000;
	$first //= $now;
	$last = $now;
}
my @s = sort { $a <=> $b } @delays;
my $n = scalar @s;
exit 1 unless $n;
my $span = $last - $first;
printf "%d %.0f %.2f %.2f\n", $n, $span > 0 ? ($n - 1) / $span : 0,
	$s[int(0.50 * ($n - 1))], $s[int(0.99 * ($n - 1))];
