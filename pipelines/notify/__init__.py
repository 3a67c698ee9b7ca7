"""Alert notifications: who hears of an alert (the employee's manager), what they receive (a
payload of pseudonyms, reason and redacted snippet, never names, phones or e-mail addresses) and
how (outbox folder, webhook, SMTP). Plain Python; the Dagster sensor in
``pipelines/defs/detection/sensors.py`` decides when."""
