// Turns the TSV written by bench/load/run.sh into the dated Markdown section of bench/RESULTS.md.
// Inputs from the environment: BENCH_TSV (rows), BENCH_COMMAND, BENCH_LOAD, BENCH_AUDIT_BYTES,
// BENCH_CONCORD_COMMIT, BENCH_CLK_TCK. Prints Markdown on stdout.
//
// Two CPU measures per row:
//  - baseline method: CPU 1 is the bottleneck, so 1e6/RPS is the CPU-µs each request costs on CPU 1;
//    minus direct's, the proxy's cost. Exact only when CPU 1 is saturated by our processes alone.
//  - process CPU: scheduler runtime of the proxy process (all threads, nginx workers included)
//    divided by requests. Robust to other work on the machine (it does not count it), but kernel
//    work done in softirq context is charged to whichever process happened to be running.
// The headline ratio uses the 1/RPS method when CPU 1 was ours alone (others < 10 %), else
// process CPU; both are always printed.
import fs from 'node:fs';
import os from 'node:os';
import { execSync } from 'node:child_process';

const env = process.env;
const tick_us = 1e6 / Number(env.BENCH_CLK_TCK || 100); // /proc/stat counts in USER_HZ ticks
const [header, ...lines] = fs.readFileSync(env.BENCH_TSV, 'utf8').trim().split('\n');
const cols = header.split('\t');
const rows = lines.map((l) => {
  const v = l.split('\t');
  const r = Object.fromEntries(cols.map((c, i) => [c, i < 2 ? v[i] : Number(v[i])]));
  r.rps = (r.requests * 1e6) / r.duration_us;
  r.cpu_us = 1e6 / r.rps;
  r.sut_us = r.sut_cpu_us / r.requests;
  r.up_us = r.up_cpu_us / r.requests;
  // Share of CPU 1 used by processes other than ours (builds, tests of other people...).
  const total_us = Math.max(1, r.cpu1_total * tick_us);
  r.ours_pct = (100 * (r.sut_cpu_us + r.up_cpu_us)) / total_us;
  r.others_pct = Math.max(0, (100 * r.cpu1_busy * tick_us) / total_us - r.ours_pct);
  return r;
});
const find = (target, shape, conns) => rows.find((r) => r.target === target && r.shape === shape && r.conns === conns);

const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '—');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const sgn = (x) => (x >= 0 ? `+${f0(x)}` : f0(x));
const ms = (us) => (us / 1000).toFixed(2);
const kreq = (x) => (x >= 1000 ? `${(x / 1000).toFixed(1)}k` : x.toFixed(0));
const tryRun = (cmd) => { try { return execSync(cmd, { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim(); } catch { return '?'; } };

const out = [];
const now = new Date().toISOString().replace('T', ' ').slice(0, 16);
out.push(`## ${now} UTC`);
out.push('');
const debian = tryRun('cat /etc/debian_version');
out.push(`- **Machine:** ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} vCPU, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${os.release()}, Debian ${debian}; ${tryRun('nginx -v 2>&1').replace('nginx version: ', '')}, ${tryRun('wrk -v 2>&1 | head -1').split(' [')[0]}.`);
out.push(`- **Command:** \`${env.BENCH_COMMAND}\`; wrk on CPU 0, upstream and system under test on CPU 1.`);
out.push(`- **Concord:** ${env.BENCH_CONCORD_COMMIT}, \`workers: 1\`, audit on (durability batched; ${(Number(env.BENCH_AUDIT_BYTES) / 2 ** 20).toFixed(1)} MiB of audit written), detectors ${env.BENCH_DETECT || "off"}, signed provenance ${env.BENCH_PROVENANCE === "true" ? "on" : "off"}, pass-through policy and label steps.`);
const shared = Math.max(...rows.map((r) => r.others_pct)) >= 10;
out.push(`- **Load average (1/5/15 min) before → after:** ${env.BENCH_LOAD}. The last column shows how much of CPU 1 our processes and other work used during each run. ${shared
  ? '**CPU 1 was shared with other work in this run, so 1/RPS is not the cost of a request: the process-CPU columns are the valid measure, and latencies include scheduling delays.**'
  : 'CPU 1 was ours alone, so 1/RPS is the cost of a request on CPU 1, as in the baseline.'}`);
out.push('');
out.push('| target | body | conns | req/s | p50 / p99 ms | CPU1 µs/req (1e6/RPS) | above direct | proxy process CPU µs/req | upstream CPU µs/req | errors | CPU1 ours / others |');
out.push('|---|---|---|---|---|---|---|---|---|---|---|');
for (const shape of ['json', 'sse']) {
  for (const conns of [16, 1]) {
    for (const target of ['direct', 'nginx', 'concord']) {
      const r = find(target, shape, conns);
      if (!r) continue;
      const d = find('direct', shape, conns);
      const above = target === 'direct' ? '—' : f1(r.cpu_us - d.cpu_us);
      const sut = target === 'direct' ? '—' : f1(r.sut_us);
      out.push(`| ${target} | ${shape === 'json' ? 'JSON 643 B' : 'SSE 21 events'} | ${conns} | ${kreq(r.rps)} | ${ms(r.p50_us)} / ${ms(r.p99_us)} | ${f1(r.cpu_us)} | ${above} | ${sut} | ${f1(r.up_us)} | ${r.errors} | ${f0(r.ours_pct)} % / ${f0(r.others_pct)} % |`);
    }
  }
}
out.push('');

const ratio = (shape, conns) => {
  const d = find('direct', shape, conns), n = find('nginx', shape, conns), c = find('concord', shape, conns);
  if (!d || !n || !c) return null;
  return {
    nginx: n.cpu_us - d.cpu_us, concord: c.cpu_us - d.cpu_us,
    byRps: (c.cpu_us - d.cpu_us) / (n.cpu_us - d.cpu_us),
    nginxProc: n.sut_us, concordProc: c.sut_us, byProc: c.sut_us / n.sut_us,
  };
};
const unit = { json: 'per request', sse: 'per stream' };
out.push(`**Concord / nginx, proxy CPU** (target ≤ 1.3×), at 16 connections${shared ? ', by process CPU (valid on a shared CPU)' : ', by 1/RPS above direct (baseline method)'}:`);
out.push('');
for (const shape of ['json', 'sse']) {
  const r = ratio(shape, 16);
  if (!r) continue;
  const byProc = `**${f2(r.byProc)}×** by process CPU (Concord ${f1(r.concordProc)} µs vs nginx ${f1(r.nginxProc)} µs ${unit[shape]})`;
  const byRps = `${shared ? '' : '**'}${f2(r.byRps)}×${shared ? '' : '**'} by 1/RPS above direct (Concord ${f1(r.concord)} µs vs nginx ${f1(r.nginx)} µs${shared ? '; not meaningful here' : ''})`;
  out.push(`- ${shape === 'json' ? 'non-streaming, ' : 'SSE, '}${unit[shape]}: ${shared ? `${byProc}; ${byRps}` : `${byRps}; ${byProc}`}.`);
}
out.push('');
out.push('**Added latency at concurrency 1** (p50 / p99 minus direct\'s):');
out.push('');
for (const shape of ['json', 'sse']) {
  const d = find('direct', shape, 1);
  if (!d) continue;
  const parts = ['nginx', 'concord'].map((t) => {
    const r = find(t, shape, 1);
    return r ? `${t} ${sgn(r.p50_us - d.p50_us)} / ${sgn(r.p99_us - d.p99_us)} µs` : null;
  }).filter(Boolean);
  out.push(`- ${shape === 'json' ? 'non-streaming' : 'SSE'}: ${parts.join('; ')} (direct ${f0(d.p50_us)} / ${f0(d.p99_us)} µs).`);
}
process.stdout.write(out.join('\n') + '\n');
