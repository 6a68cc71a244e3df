"""The staging yard: check-in from the yard camera, queues, call-forward, driver notices."""
