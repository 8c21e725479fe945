#!/usr/bin/env bash
# The newcomer's command: installs what is missing, builds, creates a demo
# vault under ./var/demo if none exists, and runs it.
#
# Until the vaultd service lands (issue 3) this runs a vaultctl demo: it
# ingests sample records, lists, verifies and reads one back, then prints how
# to keep using the demo vault.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DEMO=$ROOT/var/demo
export VAULT_DATA=$DEMO/data
export VAULT_KEY_FILE=$DEMO/keys/master.key   # outside the data directory
VAULTCTL=$ROOT/build/release/vaultctl

bash scripts/deps.sh
echo "== building (release) =="
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"${JOBS:-2}" --target vaultctl

if [[ ! -f $VAULT_DATA/VAULT ]]; then
  echo "== creating the demo vault in $DEMO =="
  mkdir -p "$DEMO/samples" "$DEMO/policies"
  cp policies/*.json "$DEMO/policies/"
  "$VAULTCTL" init
  printf '销售合同\n甲方: 深圳市示例科技有限公司\n金额: 128000.00 元\n' >"$DEMO/samples/contract.txt"
  printf '报价单\n产品: 工业传感器 x 200\n单价: 320.00 元\n' >"$DEMO/samples/quotation.txt"
  printf 'Order 2026-0042\nItems: 200 sensors\n' >"$DEMO/samples/order.txt"
  "$VAULTCTL" put "$DEMO/samples/contract.txt" --customer C0001 --customer-name "深圳市示例科技有限公司" \
    --type 合同 --title "2026 年度框架合同" --department 华南销售部 --classification confidential \
    --field contact_phone=0755-86013388 --field contract_date=2026-01-15 --tag 重点客户
  "$VAULTCTL" put "$DEMO/samples/quotation.txt" --customer C0001 --type quotation \
    --title "工业传感器报价" --department 华南销售部 --classification internal
  "$VAULTCTL" put "$DEMO/samples/order.txt" --customer C0002 --type order \
    --title "Order 2026-0042" --department 华东销售部 --classification public
else
  echo "== using the existing demo vault in $DEMO =="
fi

echo "== documents =="
"$VAULTCTL" ls
echo "== fixity check =="
"$VAULTCTL" verify
echo "== reading C0001_HT_0001 back =="
"$VAULTCTL" get C0001_HT_0001 -o - | head -5
cat <<EOT

Demo vault ready.
  data directory : $VAULT_DATA   (encrypted blobs + SQLite metadata)
  master key     : $VAULT_KEY_FILE   (mode 0600, outside the data directory)
  policies       : $DEMO/policies
Try it:
  export VAULT_DATA=$VAULT_DATA VAULT_KEY_FILE=$VAULT_KEY_FILE
  $VAULTCTL --help
  $VAULTCTL show C0001_HT_0001
  $VAULTCTL put FILE --customer C0003 --type contract --title "..."
(The HTTP service vaultd arrives with issue 3; this script will start it then.)
EOT
