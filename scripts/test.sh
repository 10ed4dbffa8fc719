#!/usr/bin/env bash
# `npm test`: sets up what the suites need (Kafka jars and a throwaway broker on 127.0.0.1,
# a build of the service for the e2e and fault suites), runs the typecheck and every jest
# suite, and stops the broker. Non-zero exit when anything fails. Extra args go to jest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# npm puts node_modules/.bin first on PATH: this is the Node.js 24 that every suite runs on.
echo "== runtime: node $(node --version) ($(command -v node))"

# A broker of its own (state dir and ports), so a developer's broker on 9092 is left alone.
export KAFKA_DIR="${TEST_KAFKA_DIR:-$PWD/.kafka/test}"
export KAFKA_PORT="${TEST_KAFKA_PORT:-19092}"
export KAFKA_CONTROLLER_PORT="${TEST_KAFKA_CONTROLLER_PORT:-19093}"
export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT}"

bash scripts/kafka/kafka.sh fetch
bash scripts/kafka/kafka.sh reset
bash scripts/kafka/kafka.sh start
trap 'bash scripts/kafka/kafka.sh stop' EXIT

echo "== typecheck"
npm run --silent typecheck
echo "== build"
npm run --silent build
echo "== jest"
npm run --silent test:jest -- --ci "$@"
