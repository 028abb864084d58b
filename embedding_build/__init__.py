"""Build time only: convert the bundled embedding model into a sentence-transformers folder
with its ONNX export (`python -m embedding_build.model_build OUT_DIR`). Needs the building
environment (PyTorch, transformers, onnx); serving never imports this package.
"""
