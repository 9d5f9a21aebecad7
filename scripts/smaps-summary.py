#!/usr/bin/env python3
"""smaps-summary.py — the server's resident memory by kind, from the /proc/PID/smaps copies that
`SOAK_SMAPS=DIR scripts/bench-soak.sh` leaves (DIR/<orders>.smaps).

  scripts/smaps-summary.py DIR/10000.smaps DIR/60000.smaps ...

prints, for each file, the Rss (kB) of: the main arena ([heap]), the other malloc arenas
(anonymous mappings at a 64 MiB boundary: glibc's per-thread heaps), thread stacks (anonymous
mappings of ~8 MiB after a guard page), other anonymous mappings (large malloc blocks, MHD's
connection pools), the SQLite -shm file, the database file and -wal, and the rest (libraries);
then, between the first and the last file, the mappings whose Rss changed most."""
import re
import sys

HEAD = re.compile(r'^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$')
ARENA = 64 << 20


def parse(path):
    maps, cur = [], None
    for line in open(path):
        m = HEAD.match(line)
        if m:
            lo, hi = int(m.group(1), 16), int(m.group(2), 16)
            cur = {'lo': lo, 'hi': hi, 'perm': m.group(3), 'name': m.group(4).strip(), 'kb': {}}
            maps.append(cur)
        elif cur is not None and ':' in line:
            k, _, v = line.partition(':')
            v = v.split()
            if v and v[0].isdigit():
                cur['kb'][k] = int(v[0])
    for i, m in enumerate(maps):
        size = (m['hi'] - m['lo']) >> 10
        prev = maps[i - 1] if i else None
        n = m['name']
        if n == '[heap]':
            kind = 'main-arena'
        elif n == '[stack]':
            kind = 'main-stack'
        elif n.endswith('-shm'):
            kind = 'sqlite-shm'
        elif n.endswith('.db') or n.endswith('-wal'):
            kind = 'db-file'
        elif n.startswith('/') or n.startswith('['):
            kind = 'files+vdso'
        elif m['perm'].startswith('rw') and m['lo'] % ARENA == 0:
            kind = 'arenas'
        elif (m['perm'].startswith('rw') and 8000 <= size <= 8192 and prev is not None and
              prev['perm'].startswith('---') and prev['hi'] == m['lo']):
            kind = 'thread-stacks'
        elif m['perm'].startswith('rw'):
            kind = 'anon-other'
        else:
            kind = 'reserved'
        m['kind'] = kind
        m['size'] = size
    return maps


def summary(maps):
    out = {}
    for m in maps:
        s = out.setdefault(m['kind'], [0, 0, 0])
        s[0] += m['kb'].get('Rss', 0)
        s[1] += m['kb'].get('Anonymous', 0)
        s[2] += 1
    return out


files = sys.argv[1:]
if not files:
    sys.exit(__doc__)
all_maps = [parse(f) for f in files]
sums = [summary(m) for m in all_maps]
kinds = sorted({k for s in sums for k in s})
print('%-14s' % 'kB Rss' + ''.join('%12s' % f.split('/')[-1].split('.')[0] for f in files))
for k in kinds:
    print('%-14s' % k + ''.join('%12d' % s.get(k, [0])[0] for s in sums) +
          '   (%d mappings at the end)' % sums[-1].get(k, [0, 0, 0])[2])
print('%-14s' % 'total' + ''.join('%12d' % sum(v[0] for v in s.values()) for s in sums))
print('%-14s' % 'anon total' + ''.join('%12d' % sum(v[1] for v in s.values()) for s in sums))
a = {m['lo']: m for m in all_maps[0]}
b = {m['lo']: m for m in all_maps[-1]}
rows = []
for lo in set(a) | set(b):
    ra = a[lo]['kb'].get('Rss', 0) if lo in a else 0
    rb = b[lo]['kb'].get('Rss', 0) if lo in b else 0
    m = b.get(lo) or a.get(lo)
    if ra != rb:
        rows.append((rb - ra, lo, m['kind'], m['size'], ra, rb, m['name']))
rows.sort(reverse=True)
print('\nlargest changes, first -> last (kB): delta, start, kind, size, rss first, rss last')
for r in rows[:25]:
    print('%+8d %012x %-13s %8d %8d %8d %s' % r)
