"""grader.ingest"""
