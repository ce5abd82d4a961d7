# bench/run.sh's command line: defaults, --help, parsing. Sourced by bench/run.sh.

ROUNDS=3
DURATION=5
UPSTREAM=auto
BUILD_DIR=$ROOT/build-bench
FORCE_BUILD=0
DOCS=auto
SKIP=""
MEM_STEPS=1000,2000
STREAM_STEPS=1000,2000
STREAMS_BIG=10000
SLOW_DELAY_MS=1000
PACED_STREAMS=512      # the "many" of the streaming section (issue 6: 1 and 512 streams)
PACED_CHUNKS=20
PACED_DELAYS=10,50     # ms between paced chunks at 1 stream, at $PACED_STREAMS streams
QUICK=0
SERVE=0
LATENCY_CPUS=same
NCPU=$(nproc)
PROXY_CPUS=0
LOAD_CPUS=$((NCPU > 1 ? 1 : 0))
ALL_CPUS=0-$((NCPU - 1))

usage() {
  cat <<'TXT'
Usage: bench/run.sh [options]
  --quick            smoke run: 1 round of 2 s, small memory steps, 1,000 streams, docs untouched
  --rounds N         interleaved rounds (default 3)
  --duration S       seconds per wrk run (default 5)
  --upstream U       auto | replay | mock (default auto: the faster one, measured first)
  --skip LIST        comma list of: ttfb, streams, perf, scale, ledger, ledger-alone
  --paced-delays D1,DN  streaming section: ms between the upstream's chunks at 1 stream and at
                     512 streams (default 10,50; 20 chunks per stream)
  --streams N        slow streams for the scale run (default 10000; capped by the FD limit)
  --build            run ninja even if the binaries exist (default: build only if missing)
  --build-dir DIR    Release build directory (default build-bench)
  --docs | --no-docs write docs/performance.md or not (default: yes, except with --quick)
  --latency-cpus C  where 1-connection runs and the time-to-first-byte client run: "same" (default:
                     every process on the load CPU, see README) or "split" (as the 32-conn runs)
  --serve            start everything, print URLs, keys and pids, and wait (Ctrl-C stops all):
                     for profiling or poking at the targets by hand
TXT
}

parse_options() {
  while (($#)); do
    case $1 in
      --quick) QUICK=1; ROUNDS=1; DURATION=2; MEM_STEPS=200,400; STREAM_STEPS=200,400
               STREAMS_BIG=1000 ;;
      --rounds) ROUNDS=$2; shift ;;
      --duration) DURATION=$2; shift ;;
      --upstream) UPSTREAM=$2; shift ;;
      --skip) SKIP=$2; shift ;;
      --streams) STREAMS_BIG=$2; shift ;;
      --paced-delays) PACED_DELAYS=$2; shift ;;
      --build) FORCE_BUILD=1 ;;
      --build-dir) BUILD_DIR=$2; shift ;;
      --docs) DOCS=yes ;;
      --no-docs) DOCS=no ;;
      --serve) SERVE=1 ;;
      --latency-cpus) LATENCY_CPUS=$2; shift ;;
      -h|--help) usage; exit 0 ;;
      *) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done
  [[ $DOCS == auto ]] && DOCS=$([[ $QUICK == 1 ]] && echo no || echo yes)
  case $UPSTREAM in
    auto|replay|mock) ;;
    nginx) echo "run.sh: the static nginx upstream is gone (it sent SSE with Content-Length);" \
             "--upstream replay replays the mock's chunked replies" >&2; exit 2 ;;
    *) echo "run.sh: --upstream auto|replay|mock" >&2; exit 2 ;;
  esac
}

skipped() { [[ ",$SKIP," == *",$1,"* ]]; }
