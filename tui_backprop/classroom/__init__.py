"""The classroom: serving the lesson to browsers, and a room that followers track."""
