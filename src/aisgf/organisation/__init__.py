"""The organisation profile: who the installation's organisation is, for China's filing and reporting duties.

One profile per installation (name, unified social credit code, province, incident reporter type under
the 2025 incident-reporting Measures, the contact for incident reports) and the organisation's filing
numbers (算法备案, 生成式人工智能服务备案/登记, …). Other concerns ask `services.incident_reporter`
(how fast, and to whom, an incident is reported) and `services.filings`.
"""
