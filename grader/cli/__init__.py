"""grader.cli"""
