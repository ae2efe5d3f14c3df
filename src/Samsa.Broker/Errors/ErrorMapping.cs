namespace Samsa.Broker.Errors;

/// <summary>The one place where module results become Kafka error codes.</summary>
internal static partial class ErrorMapping
{
    public static ErrorCode ToErrorCode(AppendStatus status) => status switch
    {
        AppendStatus.Ok => ErrorCode.None,
        AppendStatus.InvalidRecords => ErrorCode.CorruptMessage,
        AppendStatus.RecordBatchTooLarge => ErrorCode.RecordListTooLarge,
        AppendStatus.OffsetOutOfOrder => ErrorCode.InvalidRecord,
        AppendStatus.OutOfOrderSequence => ErrorCode.OutOfOrderSequenceNumber,
        AppendStatus.InvalidProducerEpoch => ErrorCode.InvalidProducerEpoch,
        AppendStatus.DiskFull => ErrorCode.KafkaStorageError,
        AppendStatus.StorageError => ErrorCode.KafkaStorageError,
        _ => ErrorCode.UnknownServerError,
    };

    public static ErrorCode ToErrorCode(ReadStatus status) => status switch
    {
        ReadStatus.Ok => ErrorCode.None,
        ReadStatus.OffsetOutOfRange => ErrorCode.OffsetOutOfRange,
        ReadStatus.StorageError => ErrorCode.KafkaStorageError,
        _ => ErrorCode.UnknownServerError,
    };

    public static ErrorCode ToErrorCode(LogStatus status) => status switch
    {
        LogStatus.Ok => ErrorCode.None,
        LogStatus.OffsetOutOfRange => ErrorCode.OffsetOutOfRange,
        LogStatus.DiskFull => ErrorCode.KafkaStorageError,
        LogStatus.StorageError => ErrorCode.KafkaStorageError,
        _ => ErrorCode.UnknownServerError,
    };

    public static ErrorCode ToErrorCode(ControllerStatus status) => ControllerErrors.ToErrorCode(status);
}
