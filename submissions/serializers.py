from rest_framework import serializers

from submissions.models import Job


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = ["id", "kind", "state", "progress", "message", "error", "result"]
        read_only_fields = fields
