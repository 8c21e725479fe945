#!/usr/bin/env bash
# The newcomer's command: installs what is missing, builds vaultd and the
# web UI, creates a demo vault under ./var/demo if none exists (real
# multi-page Chinese PDFs and a scan, one demo user per role in two
# departments, and a second admin and archive admin for the four-eyes
# steps), and runs vaultd in the foreground on 127.0.0.1:8640
# (VAULTD_LISTEN overrides), serving the UI at /. Ctrl-C stops it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DEMO=$ROOT/var/demo
export VAULT_DATA=$DEMO/data
export VAULT_KEY_FILE=$DEMO/keys/master.key   # outside the data directory
VAULTCTL=$ROOT/build/release/vaultctl
VAULTD=$ROOT/build/release/vaultd
LISTEN=${VAULTD_LISTEN:-127.0.0.1:8640}
CREDENTIALS=$DEMO/demo-credentials.txt

bash scripts/deps.sh
echo "== building (release) =="
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"${JOBS:-2}" --target vaultctl vaultd vault_demo_docs
bash scripts/web-build.sh

if [[ ! -f $VAULT_DATA/VAULT ]]; then
  echo "== creating the demo vault in $DEMO =="
  mkdir -p "$DEMO/samples" "$DEMO/policies"
  cp policies/*.json "$DEMO/policies/"
  "$VAULTCTL" init
  # Real PDFs (tools/demo_docs.cc) and a scan of the order's first page.
  "$ROOT/build/release/vault_demo_docs" "$DEMO/samples"
  pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$DEMO/samples/order.pdf" "$DEMO/samples/scan" 2>/dev/null
  "$VAULTCTL" put "$DEMO/samples/contract.pdf" --customer C0001 --customer-name "深圳市示例科技有限公司" \
    --type 合同 --title "2026 年度框架合同" --department 华南销售部 --classification internal \
    --field contact_phone=0755-86013388 --field contract_date=2026-01-15 --tag 重点客户
  "$VAULTCTL" put "$DEMO/samples/quotation.pdf" --customer C0001 --type quotation \
    --title "工业传感器报价" --department 华南销售部 --classification internal
  "$VAULTCTL" put "$DEMO/samples/scan.png" --customer C0001 --type order \
    --title "订单扫描件" --department 华南销售部 --classification internal
  "$VAULTCTL" put "$DEMO/samples/contract.pdf" --customer C0001 --type 合同 \
    --title "保密补充协议" --department 华南销售部 --classification confidential
  "$VAULTCTL" put "$DEMO/samples/order.pdf" --customer C0002 --type order \
    --title "Order 2026-0042" --department 华东销售部 --classification public
  echo "== creating demo users (one per role, two sales departments) =="
  umask 077
  : >"$CREDENTIALS"
  while read -r user role dept clearance display; do
    password="demo-$(head -c 9 /dev/urandom | base64 | tr -d '/+=')"
    echo "$password" | "$VAULTCTL" user add "$user" --role "$role" --department "$dept" \
      --clearance "$clearance" --display-name "$display" --password-stdin >/dev/null
    printf '%-14s %-14s %-12s %s\n' "$user" "$role" "$dept" "$password" >>"$CREDENTIALS"
  done <<'USERS'
admin         admin          信息部      internal      系统管理员
admin2        admin          信息部      internal      系统管理员乙
archivist     archive_admin  档案室      confidential  档案管理员
archivist2    archive_admin  档案室      confidential  档案复核员
manager_south dept_manager   华南销售部  internal      王经理
staff_south   staff          华南销售部  internal      张三
manager_east  dept_manager   华东销售部  internal      赵经理
staff_east    staff          华东销售部  internal      李四
legal         legal          法务部      confidential  法务审核
auditor       auditor        审计部      internal      审计员
USERS
  "$VAULTCTL" user assign staff_south C0001 >/dev/null
  "$VAULTCTL" user assign staff_east C0002 >/dev/null
else
  echo "== using the existing demo vault in $DEMO =="
fi

echo "== documents =="
"$VAULTCTL" ls
echo "== fixity check =="
"$VAULTCTL" verify
echo "== audit log =="
"$VAULTCTL" audit verify
cat <<EOT

Demo vault ready.
  data directory : $VAULT_DATA   (encrypted blobs + SQLite metadata)
  master key     : $VAULT_KEY_FILE   (mode 0600, outside the data directory)
  policies       : $DEMO/policies
  demo users     : $CREDENTIALS (mode 0600)
$(sed 's/^/    /' "$CREDENTIALS")

The web UI: open http://$LISTEN/ and log in as staff_south (password above).

Try, in another terminal:
  curl -s http://$LISTEN/healthz
  TOKEN=\$(curl -s -X POST http://$LISTEN/api/v1/sessions \\
      -d '{"username":"archivist","password":"<from the list above>"}' | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')
  curl -s -H "Authorization: Bearer \$TOKEN" http://$LISTEN/api/v1/documents
  export VAULT_DATA=$VAULT_DATA VAULT_KEY_FILE=$VAULT_KEY_FILE; $VAULTCTL --help

== starting vaultd on http://$LISTEN/ (Ctrl-C to stop) ==
EOT
echo "open http://$LISTEN/ and log in as staff_south"
exec "$VAULTD" --data "$VAULT_DATA" --key "$VAULT_KEY_FILE" --listen "$LISTEN" --policies "$DEMO/policies"
