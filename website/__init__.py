"""The sample office website with the chat widget."""
