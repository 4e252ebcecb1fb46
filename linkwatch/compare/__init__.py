"""compare: does the live page still say what the cited version said?"""
