#!/usr/bin/env python3
"""Converts one suite to kata-test-support (docs/authoring.md, "Converting a suite").

Usage, from the repository root: python3 runner/scripts/convert-suite-to-test-support.py <suite>

Replaces `fn proptest_config` and `macro_rules! assert_suite_snapshot` in tests/<suite>/mod.rs
(an `#[allow(...)]` on either is kept) and adds `kata-test-support.workspace = true` to both
crates' [dev-dependencies]. Refuses, changing nothing, a mod.rs without both items.
"""
import re
import sys

suite = sys.argv[1]
mod_rs = f'tests/{suite}/mod.rs'
text = open(mod_rs).read()
fn = re.compile(
    r'/// Proptest settings for this suite[^\n]*\n(?:///[^\n]*\n)*(#\[allow[^\n]*\n)?'
    r'pub\(crate\) fn proptest_config\(\) -> proptest::test_runner::Config \{\n.*?\n\}\n',
    re.S,
)
mac = re.compile(
    r'/// `insta::assert_snapshot!` with a name[^\n]*\n(#\[allow[^\n]*\n)?'
    r'macro_rules! assert_suite_snapshot \{\n.*?\n\}\n',
    re.S,
)
fn_match, mac_match = fn.search(text), mac.search(text)
if not fn_match or not mac_match:
    sys.exit(f'{mod_rs}: no `fn proptest_config` and `macro_rules! assert_suite_snapshot` to '
             'replace (already converted?); nothing changed')
use_allow = '#[allow(unused_imports)] // until a test uses it\n' if fn_match.group(1) else ''
mac_allow = mac_match.group(1) or ''
text = fn.sub(lambda _: use_allow + 'pub(crate) use kata_test_support::proptest_config;\n', text, 1)
text = mac.sub(
    lambda _: f'/// `insta::assert_snapshot!` into `snapshots/{suite}/`, from either crate.\n'
    + mac_allow
    + 'macro_rules! assert_suite_snapshot {\n'
    + '    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };\n'
    + '}\n',
    text,
    1,
)

manifests = {}
for crates in ('katas', 'solutions'):
    path = f'{crates}/{suite}/Cargo.toml'
    toml = open(path).read()
    if 'kata-test-support' in toml:
        continue
    head, sep, rest = toml.partition('[dev-dependencies]\n')
    if not sep:
        sys.exit(f'{path}: no [dev-dependencies] section; nothing changed')
    body = rest.split('\n')
    deps = []
    while body and body[0] and not body[0].startswith('['):
        deps.append(body.pop(0))
    deps.append('kata-test-support.workspace = true')
    deps.sort(key=lambda line: line.split('=')[0].strip().split('.')[0])
    manifests[path] = head + sep + '\n'.join(deps + body)

open(mod_rs, 'w').write(text)
for path, toml in manifests.items():
    open(path, 'w').write(toml)
print('converted', suite)
