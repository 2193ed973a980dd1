#!/usr/bin/python3
# contrib/ansible/roles/smtls/library/smtls_apply.py: the role's one module. It runs
# `smtls apply --json` (with --dry-run in check mode) and turns what smtls prints into
# Ansible's terms: changed only when smtls changed (or, in check mode, would change)
# sendmail.mc or sendmail.cf, the diffs smtls computed for --diff, and a failure whose
# message is smtls's own findings. smtls decides everything; this file only translates.
# Part of smtls, same licence (COPYING).

import json

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r'''
module: smtls_apply
short_description: merge smtls's STARTTLS settings into sendmail.mc and rebuild sendmail.cf
description:
  - Runs C(smtls apply --json); in check mode C(smtls apply --dry-run --json), which writes
    nothing (it still proves the candidate sendmail.cf unless I(prove=false)).
  - changed is true when smtls reports C(applied), or in check mode when its diffs are not
    empty; C(unchanged) is not a change.
  - Fails when smtls refuses the change (check or proof), fails, or cannot restart or
    confirm sendmail; the message lists smtls's error findings with their fixes.
  - With --diff, shows the unified diffs of sendmail.mc and sendmail.cf that smtls made.
options:
  smtls: {description: the smtls binary, default: smtls}
  mc: {description: sendmail.mc to change (smtls's default /etc/mail/sendmail.mc)}
  cf: {description: sendmail.cf to rebuild (default beside the mc)}
  letsencrypt: {description: a Let's Encrypt live directory (--letsencrypt)}
  server_cert: {}
  server_key: {}
  client_cert: {}
  client_key: {}
  no_client_cert: {type: bool}
  ca_cert: {}
  ca_path: {}
  hostname: {}
  public_roots: {}
  cf_m4: {}
  sendmail: {}
  log_level: {}
  min_tls: {}
  dh_params: {}
  smtps: {description: "true for --smtps, or an address for --smtps=ADDR"}
  group_readable_key: {type: bool}
  no_client_cert_request: {type: bool}
  prove: {type: bool, default: true, description: false adds --no-prove}
  force: {type: bool, default: false}
  restart: {type: bool, default: false}
  restart_command: {}
  restart_wait: {type: int}
  extra_args: {type: list, elements: str, description: more arguments, as they are}
'''

# module option -> smtls flag, for the options that take a value
VALUE_FLAGS = [
    ('mc', '--mc'), ('cf', '--cf'), ('letsencrypt', '--letsencrypt'),
    ('server_cert', '--server-cert'), ('server_key', '--server-key'),
    ('client_cert', '--client-cert'), ('client_key', '--client-key'),
    ('ca_cert', '--ca-cert'), ('ca_path', '--ca-path'), ('hostname', '--hostname'),
    ('public_roots', '--public-roots'), ('cf_m4', '--cf-m4'), ('sendmail', '--sendmail'),
    ('log_level', '--log-level'), ('min_tls', '--min-tls'), ('dh_params', '--dh-params'),
    ('restart_command', '--restart-command'), ('restart_wait', '--restart-wait'),
]
BOOL_FLAGS = [
    ('no_client_cert', '--no-client-cert'), ('group_readable_key', '--group-readable-key'),
    ('no_client_cert_request', '--no-client-cert-request'), ('force', '--force'),
    ('restart', '--restart'),
]


def argv_of(p, check_mode):
    argv = [p['smtls'], 'apply', '--json']
    for opt, flag in VALUE_FLAGS:
        if p[opt] not in (None, ''):
            argv += [flag, str(p[opt])]
    for opt, flag in BOOL_FLAGS:
        if p[opt]:
            argv.append(flag)
    smtps = p['smtps']
    if smtps not in (None, '', False) and str(smtps).lower() not in ('false', 'no', '0'):
        argv.append('--smtps' if str(smtps).lower() in ('true', 'yes', '1')
                    else '--smtps=' + str(smtps))
    if not p['prove']:
        argv.append('--no-prove')
    if check_mode:
        argv.append('--dry-run')
    return argv + (p['extra_args'] or [])


def finding_lines(findings, label=''):
    """'FILE: MESSAGE (fix: FIX)' for each error finding (FILE when MESSAGE does not name it)."""
    out = []
    for f in findings or []:
        if f.get('severity') != 'error':
            continue
        text = f.get('message') or f.get('id', '')
        if f.get('file') and f['file'] not in text:
            text = f['file'] + ': ' + text
        line = label + text
        if f.get('fix'):
            line += ' (fix: ' + f['fix'] + ')'
        out.append(line)
    return out


def main():
    str_opts = {o: dict(type='str') for o, _ in VALUE_FLAGS}
    str_opts['restart_wait'] = dict(type='int')
    spec = dict(str_opts,
                smtls=dict(type='str', default='smtls'),
                smtps=dict(type='str'),
                prove=dict(type='bool', default=True),
                extra_args=dict(type='list', elements='str', default=[]),
                **{o: dict(type='bool', default=False) for o, _ in BOOL_FLAGS})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    argv = argv_of(module.params, module.check_mode)
    rc, out, err = module.run_command(argv)
    common = dict(cmd=argv, rc=rc, stderr=err)
    try:
        doc = json.loads(out)
        result = doc['result']
    except (ValueError, KeyError, TypeError):
        module.fail_json(msg='smtls apply printed no JSON result (exit status %d): %s'
                         % (rc, (err or out).strip()), stdout=out, **common)

    diff = doc.get('diff') or {}
    diffs = [d for d in (diff.get('mc'), diff.get('cf')) if d]
    if result == 'applied':
        changed = True
    elif result == 'dry-run':
        changed = bool(diffs)
    else:
        changed = False
    ret = dict(common, changed=changed, result=result, mc=doc.get('mc'), cf=doc.get('cf'),
               backups=doc.get('backups'), steps=doc.get('steps'),
               findings=doc.get('findings'), error_count=doc.get('errors'),
               warning_count=doc.get('warnings'), proof=doc.get('proof'), live=doc.get('live'))
    if module._diff and diffs:
        ret['diff'] = [dict(prepared=d) for d in diffs]

    if result in ('applied', 'unchanged', 'dry-run') and rc == 0:
        ret['msg'] = 'smtls apply: ' + result
        module.exit_json(**ret)
    # refused, failed, bad-value, or installed but the restart or the live check failed
    lines = finding_lines(doc.get('findings'))
    proof = doc.get('proof') or {}
    if proof and not proof.get('passed', True):
        lines += finding_lines(proof.get('findings'), 'proof: ')
    if doc.get('error'):
        lines.append(doc['error'])
    if not lines:
        failed = [s['name'] for s in doc.get('steps') or [] if s.get('state') == 'failed']
        lines.append('step %s failed: %s' % (', '.join(failed) or '?', err.strip()))
    ret['msg'] = 'smtls apply: %s: %s' % (result, '; '.join(lines))
    module.fail_json(**ret)


if __name__ == '__main__':
    main()
