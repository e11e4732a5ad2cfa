"""Support chat: a small FastAPI service answering customer questions with OpenAI."""
