# Retrieval: embedding model folder and FAISS index (filled in by the retrieval work).
