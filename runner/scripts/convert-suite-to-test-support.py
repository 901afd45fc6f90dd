#!/usr/bin/env python3
"""Converts one suite to kata-test-support (docs/authoring.md, "Converting a suite").

Usage, from the repository root: python3 runner/scripts/convert-suite-to-test-support.py <suite>
"""
import re, sys
suite = sys.argv[1]
p = f'tests/{suite}/mod.rs'
s = open(p).read()
fn = re.compile(r'/// Proptest settings for this suite[^\n]*\n(///[^\n]*\n)*(#\[allow[^\n]*\n)?pub\(crate\) fn proptest_config\(\) -> proptest::test_runner::Config \{\n.*?\n\}\n', re.S)
mac = re.compile(r'/// `insta::assert_snapshot!` with a name[^\n]*\n(#\[allow[^\n]*\n)?macro_rules! assert_suite_snapshot \{\n.*?\n\}\n', re.S)
assert fn.search(s), 'no proptest_config'
assert mac.search(s), 'no assert_suite_snapshot'
s = fn.sub('pub(crate) use kata_test_support::proptest_config;\n', s, 1)
s = mac.sub('/// `insta::assert_snapshot!` into `snapshots/' + suite + '/`, from either crate.\n'
            'macro_rules! assert_suite_snapshot {\n'
            '    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };\n'
            '}\n', s, 1)
open(p, 'w').write(s)
for d in ('katas', 'solutions'):
    p = f'{d}/{suite}/Cargo.toml'
    s = open(p).read()
    if 'kata-test-support' in s:
        continue
    head, sep, rest = s.partition('[dev-dependencies]\n')
    assert sep, f'{p}: no [dev-dependencies]'
    lines, tail = [], ''
    body = rest.split('\n')
    i = 0
    while i < len(body) and body[i] and not body[i].startswith('['):
        lines.append(body[i]); i += 1
    lines.append('kata-test-support.workspace = true')
    lines.sort(key=lambda l: l.split('=')[0].strip().split('.')[0])
    s = head + sep + '\n'.join(lines + body[i:])
    open(p, 'w').write(s)
print('converted', suite)
