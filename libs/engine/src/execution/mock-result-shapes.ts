/**
 * The output shapes TestState checks a mocked Task result against (fieldValidationMode STRICT
 * and PRESENT): the response of each API below, as AWS's published API models describe it
 * (member types, required members, enum values, length and range limits), with member names
 * capitalized as Step Functions' integrations return them (`executionArn` → `ExecutionArn`).
 * Generated once from the models and checked by hand; an API not listed here is not checked.
 *
 * A shape is `['s', limits?]` (string, blob or timestamp: JSON text), `['n', range?]` (any
 * number type), `['b']`, `['l', member]`, `['m', value]`, or the name of a structure in the
 * API's `shapes`: `['o', members, required?]`.
 */
export type MockShape =
  | readonly ['s', { readonly min?: number; readonly enum?: readonly string[] }?]
  | readonly ['n', { readonly min?: number; readonly max?: number }?]
  | readonly ['b']
  | readonly ['l', MockShape]
  | readonly ['m', MockShape]
  | string;

export type MockStructure = readonly ['o', Readonly<Record<string, MockShape>>, (readonly string[])?];

export interface MockApiShape {
  readonly root: string;
  readonly shapes: Readonly<Record<string, MockStructure>>;
}

/** Keyed by the Task Resource's target: `lambda:invoke`, `aws-sdk:s3:getObject`. */
export const MOCK_RESULT_SHAPES: Readonly<Record<string, MockApiShape>> = {
  'lambda:invoke': {
    root: 'InvocationResponse',
    shapes: {
      InvocationResponse: ["o", {"StatusCode": ["n"], "FunctionError": ["s"], "LogResult": ["s"], "Payload": ["s"], "ExecutedVersion": ["s", {"min": 1}], "DurableExecutionArn": ["s", {"min": 1}]}],
    },
  },
  'states:startExecution': {
    root: 'StartExecutionOutput',
    shapes: {
      StartExecutionOutput: ["o", {"ExecutionArn": ["s", {"min": 1}], "StartDate": ["s"]}, ["ExecutionArn", "StartDate"]],
    },
  },
  'events:putEvents': {
    root: 'PutEventsResponse',
    shapes: {
      PutEventsResponse: ["o", {"FailedEntryCount": ["n"], "Entries": ["l", "PutEventsResultEntry"]}],
      PutEventsResultEntry: ["o", {"EventId": ["s"], "ErrorCode": ["s"], "ErrorMessage": ["s"]}],
    },
  },
  'dynamodb:putItem': {
    root: 'PutItemOutput',
    shapes: {
      PutItemOutput: ["o", {"Attributes": ["m", "AttributeValue"], "ConsumedCapacity": "ConsumedCapacity", "ItemCollectionMetrics": "ItemCollectionMetrics"}],
      AttributeValue: ["o", {"S": ["s"], "N": ["s"], "B": ["s"], "SS": ["l", ["s"]], "NS": ["l", ["s"]], "BS": ["l", ["s"]], "M": ["m", "AttributeValue"], "L": ["l", "AttributeValue"], "NULL": ["b"], "BOOL": ["b"]}],
      ConsumedCapacity: ["o", {"TableName": ["s", {"min": 1}], "CapacityUnits": ["n"], "ReadCapacityUnits": ["n"], "WriteCapacityUnits": ["n"], "Table": "Capacity", "LocalSecondaryIndexes": ["m", "Capacity"], "GlobalSecondaryIndexes": ["m", "Capacity"]}],
      Capacity: ["o", {"ReadCapacityUnits": ["n"], "WriteCapacityUnits": ["n"], "CapacityUnits": ["n"]}],
      ItemCollectionMetrics: ["o", {"ItemCollectionKey": ["m", "AttributeValue"], "SizeEstimateRangeGB": ["l", ["n"]]}],
    },
  },
  'dynamodb:getItem': {
    root: 'GetItemOutput',
    shapes: {
      GetItemOutput: ["o", {"Item": ["m", "AttributeValue"], "ConsumedCapacity": "ConsumedCapacity"}],
      AttributeValue: ["o", {"S": ["s"], "N": ["s"], "B": ["s"], "SS": ["l", ["s"]], "NS": ["l", ["s"]], "BS": ["l", ["s"]], "M": ["m", "AttributeValue"], "L": ["l", "AttributeValue"], "NULL": ["b"], "BOOL": ["b"]}],
      ConsumedCapacity: ["o", {"TableName": ["s", {"min": 1}], "CapacityUnits": ["n"], "ReadCapacityUnits": ["n"], "WriteCapacityUnits": ["n"], "Table": "Capacity", "LocalSecondaryIndexes": ["m", "Capacity"], "GlobalSecondaryIndexes": ["m", "Capacity"]}],
      Capacity: ["o", {"ReadCapacityUnits": ["n"], "WriteCapacityUnits": ["n"], "CapacityUnits": ["n"]}],
    },
  },
  'dynamodb:updateItem': {
    root: 'UpdateItemOutput',
    shapes: {
      UpdateItemOutput: ["o", {"Attributes": ["m", "AttributeValue"], "ConsumedCapacity": "ConsumedCapacity", "ItemCollectionMetrics": "ItemCollectionMetrics"}],
      AttributeValue: ["o", {"S": ["s"], "N": ["s"], "B": ["s"], "SS": ["l", ["s"]], "NS": ["l", ["s"]], "BS": ["l", ["s"]], "M": ["m", "AttributeValue"], "L": ["l", "AttributeValue"], "NULL": ["b"], "BOOL": ["b"]}],
      ConsumedCapacity: ["o", {"TableName": ["s", {"min": 1}], "CapacityUnits": ["n"], "ReadCapacityUnits": ["n"], "WriteCapacityUnits": ["n"], "Table": "Capacity", "LocalSecondaryIndexes": ["m", "Capacity"], "GlobalSecondaryIndexes": ["m", "Capacity"]}],
      Capacity: ["o", {"ReadCapacityUnits": ["n"], "WriteCapacityUnits": ["n"], "CapacityUnits": ["n"]}],
      ItemCollectionMetrics: ["o", {"ItemCollectionKey": ["m", "AttributeValue"], "SizeEstimateRangeGB": ["l", ["n"]]}],
    },
  },
  'dynamodb:deleteItem': {
    root: 'DeleteItemOutput',
    shapes: {
      DeleteItemOutput: ["o", {"Attributes": ["m", "AttributeValue"], "ConsumedCapacity": "ConsumedCapacity", "ItemCollectionMetrics": "ItemCollectionMetrics"}],
      AttributeValue: ["o", {"S": ["s"], "N": ["s"], "B": ["s"], "SS": ["l", ["s"]], "NS": ["l", ["s"]], "BS": ["l", ["s"]], "M": ["m", "AttributeValue"], "L": ["l", "AttributeValue"], "NULL": ["b"], "BOOL": ["b"]}],
      ConsumedCapacity: ["o", {"TableName": ["s", {"min": 1}], "CapacityUnits": ["n"], "ReadCapacityUnits": ["n"], "WriteCapacityUnits": ["n"], "Table": "Capacity", "LocalSecondaryIndexes": ["m", "Capacity"], "GlobalSecondaryIndexes": ["m", "Capacity"]}],
      Capacity: ["o", {"ReadCapacityUnits": ["n"], "WriteCapacityUnits": ["n"], "CapacityUnits": ["n"]}],
      ItemCollectionMetrics: ["o", {"ItemCollectionKey": ["m", "AttributeValue"], "SizeEstimateRangeGB": ["l", ["n"]]}],
    },
  },
  'sns:publish': {
    root: 'PublishResponse',
    shapes: {
      PublishResponse: ["o", {"MessageId": ["s"], "SequenceNumber": ["s"]}],
    },
  },
  'sqs:sendMessage': {
    root: 'SendMessageResult',
    shapes: {
      SendMessageResult: ["o", {"MD5OfMessageBody": ["s"], "MD5OfMessageAttributes": ["s"], "MD5OfMessageSystemAttributes": ["s"], "MessageId": ["s"], "SequenceNumber": ["s"]}],
    },
  },
  'aws-sdk:s3:getObject': {
    root: 'GetObjectOutput',
    shapes: {
      GetObjectOutput: ["o", {"Body": ["s"], "DeleteMarker": ["b"], "AcceptRanges": ["s"], "Expiration": ["s"], "Restore": ["s"], "LastModified": ["s"], "ContentLength": ["n"], "ETag": ["s"], "ChecksumCRC32": ["s"], "ChecksumCRC32C": ["s"], "ChecksumCRC64NVME": ["s"], "ChecksumSHA1": ["s"], "ChecksumSHA256": ["s"], "ChecksumSHA512": ["s"], "ChecksumMD5": ["s"], "ChecksumXXHASH64": ["s"], "ChecksumXXHASH3": ["s"], "ChecksumXXHASH128": ["s"], "ChecksumType": ["s", {"enum": ["COMPOSITE", "FULL_OBJECT"]}], "MissingMeta": ["n"], "VersionId": ["s"], "CacheControl": ["s"], "ContentDisposition": ["s"], "ContentEncoding": ["s"], "ContentLanguage": ["s"], "ContentRange": ["s"], "ContentType": ["s"], "Expires": ["s"], "WebsiteRedirectLocation": ["s"], "ServerSideEncryption": ["s", {"enum": ["AES256", "aws:fsx", "aws:kms", "aws:kms:dsse"]}], "Metadata": ["m", ["s"]], "SSECustomerAlgorithm": ["s"], "SSECustomerKeyMD5": ["s"], "SSEKMSKeyId": ["s"], "BucketKeyEnabled": ["b"], "StorageClass": ["s", {"enum": ["STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS", "FSX_ONTAP"]}], "RequestCharged": ["s", {"enum": ["requester"]}], "ReplicationStatus": ["s", {"enum": ["COMPLETE", "PENDING", "FAILED", "REPLICA", "COMPLETED"]}], "PartsCount": ["n"], "TagCount": ["n"], "ObjectLockMode": ["s", {"enum": ["GOVERNANCE", "COMPLIANCE"]}], "ObjectLockRetainUntilDate": ["s"], "ObjectLockLegalHoldStatus": ["s", {"enum": ["ON", "OFF"]}]}],
    },
  },
  'aws-sdk:kms:encrypt': {
    root: 'EncryptResponse',
    shapes: {
      EncryptResponse: ["o", {"CiphertextBlob": ["s", {"min": 1}], "KeyId": ["s", {"min": 1}], "EncryptionAlgorithm": ["s", {"enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"]}]}],
    },
  },
  'aws-sdk:lambda:getFunction': {
    root: 'GetFunctionResponse',
    shapes: {
      GetFunctionResponse: ["o", {"Configuration": "FunctionConfiguration", "Code": "FunctionCodeLocation", "Tags": ["m", ["s"]], "TagsError": "TagsError", "Concurrency": "Concurrency"}],
      FunctionConfiguration: ["o", {"FunctionName": ["s", {"min": 1}], "FunctionArn": ["s"], "Runtime": ["s", {"enum": ["nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "java8", "java8.al2", "java11", "python2.7", "python3.6", "python3.7", "python3.8", "python3.9", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8", "nodejs4.3-edge", "go1.x", "ruby2.5", "ruby2.7", "provided", "provided.al2", "nodejs18.x", "python3.10", "java17", "ruby3.2", "ruby3.3", "ruby3.4", "python3.11", "nodejs20.x", "provided.al2023", "python3.12", "java21", "python3.13", "nodejs22.x", "nodejs24.x", "python3.14", "java25", "dotnet10", "ruby4.0"]}], "Role": ["s"], "Handler": ["s"], "CodeSize": ["n"], "Description": ["s"], "Timeout": ["n", {"min": 1}], "MemorySize": ["n", {"min": 128, "max": 32768}], "LastModified": ["s"], "CodeSha256": ["s"], "Version": ["s", {"min": 1}], "VpcConfig": "VpcConfigResponse", "DeadLetterConfig": "DeadLetterConfig", "Environment": "EnvironmentResponse", "KMSKeyArn": ["s"], "TracingConfig": "TracingConfigResponse", "MasterArn": ["s"], "RevisionId": ["s"], "Layers": ["l", "Layer"], "State": ["s", {"enum": ["Pending", "Active", "Inactive", "Failed", "Deactivating", "Deactivated", "ActiveNonInvocable", "Deleting"]}], "StateReason": ["s"], "StateReasonCode": ["s", {"enum": ["Idle", "Creating", "Restoring", "EniLimitExceeded", "InsufficientRolePermissions", "InvalidConfiguration", "InternalError", "SubnetOutOfIPAddresses", "InvalidSubnet", "InvalidSecurityGroup", "ImageDeleted", "ImageAccessDenied", "InvalidImage", "KMSKeyAccessDenied", "KMSKeyNotFound", "InvalidStateKMSKey", "DisabledKMSKey", "EFSIOError", "EFSMountConnectivityError", "EFSMountFailure", "EFSMountTimeout", "InvalidRuntime", "InvalidZipFileException", "FunctionError", "DrainingDurableExecutions", "VcpuLimitExceeded", "CapacityProviderScalingLimitExceeded", "InsufficientCapacity", "EC2RequestLimitExceeded", "FunctionError.InitTimeout", "FunctionError.RuntimeInitError", "FunctionError.ExtensionInitError", "FunctionError.InvalidEntryPoint", "FunctionError.InvalidWorkingDirectory", "FunctionError.PermissionDenied", "FunctionError.TooManyExtensions", "FunctionError.InitResourceExhausted", "DisallowedByVpcEncryptionControl"]}], "LastUpdateStatus": ["s", {"enum": ["Successful", "Failed", "InProgress"]}], "LastUpdateStatusReason": ["s"], "LastUpdateStatusReasonCode": ["s", {"enum": ["EniLimitExceeded", "InsufficientRolePermissions", "InvalidConfiguration", "InternalError", "SubnetOutOfIPAddresses", "InvalidSubnet", "InvalidSecurityGroup", "ImageDeleted", "ImageAccessDenied", "InvalidImage", "KMSKeyAccessDenied", "KMSKeyNotFound", "InvalidStateKMSKey", "DisabledKMSKey", "EFSIOError", "EFSMountConnectivityError", "EFSMountFailure", "EFSMountTimeout", "InvalidRuntime", "InvalidZipFileException", "FunctionError", "VcpuLimitExceeded", "CapacityProviderScalingLimitExceeded", "InsufficientCapacity", "EC2RequestLimitExceeded", "FunctionError.InitTimeout", "FunctionError.RuntimeInitError", "FunctionError.ExtensionInitError", "FunctionError.InvalidEntryPoint", "FunctionError.InvalidWorkingDirectory", "FunctionError.PermissionDenied", "FunctionError.TooManyExtensions", "FunctionError.InitResourceExhausted", "DisallowedByVpcEncryptionControl"]}], "FileSystemConfigs": ["l", "FileSystemConfig"], "PackageType": ["s", {"enum": ["Zip", "Image"]}], "ImageConfigResponse": "ImageConfigResponse", "SigningProfileVersionArn": ["s"], "SigningJobArn": ["s"], "Architectures": ["l", ["s", {"enum": ["x86_64", "arm64"]}]], "EphemeralStorage": "EphemeralStorage", "SnapStart": "SnapStartResponse", "RuntimeVersionConfig": "RuntimeVersionConfig", "LoggingConfig": "LoggingConfig", "CapacityProviderConfig": "CapacityProviderConfig", "ConfigSha256": ["s"], "DurableConfig": "DurableConfig", "TenancyConfig": "TenancyConfig"}],
      VpcConfigResponse: ["o", {"SubnetIds": ["l", ["s"]], "SecurityGroupIds": ["l", ["s"]], "VpcId": ["s"], "Ipv6AllowedForDualStack": ["b"]}],
      DeadLetterConfig: ["o", {"TargetArn": ["s"]}],
      EnvironmentResponse: ["o", {"Variables": ["m", ["s"]], "Error": "EnvironmentError"}],
      EnvironmentError: ["o", {"ErrorCode": ["s"], "Message": ["s"]}],
      TracingConfigResponse: ["o", {"Mode": ["s", {"enum": ["Active", "PassThrough"]}]}],
      Layer: ["o", {"Arn": ["s", {"min": 1}], "CodeSize": ["n"], "SigningProfileVersionArn": ["s"], "SigningJobArn": ["s"]}],
      FileSystemConfig: ["o", {"Arn": ["s"], "LocalMountPath": ["s"]}, ["Arn", "LocalMountPath"]],
      ImageConfigResponse: ["o", {"ImageConfig": "ImageConfig", "Error": "ImageConfigError"}],
      ImageConfig: ["o", {"EntryPoint": ["l", ["s"]], "Command": ["l", ["s"]], "WorkingDirectory": ["s"]}],
      ImageConfigError: ["o", {"ErrorCode": ["s"], "Message": ["s"]}],
      EphemeralStorage: ["o", {"Size": ["n", {"min": 512, "max": 10240}]}, ["Size"]],
      SnapStartResponse: ["o", {"ApplyOn": ["s", {"enum": ["PublishedVersions", "None"]}], "OptimizationStatus": ["s", {"enum": ["On", "Off"]}]}],
      RuntimeVersionConfig: ["o", {"RuntimeVersionArn": ["s", {"min": 26}], "Error": "RuntimeVersionError"}],
      RuntimeVersionError: ["o", {"ErrorCode": ["s"], "Message": ["s"]}],
      LoggingConfig: ["o", {"LogFormat": ["s", {"enum": ["JSON", "Text"]}], "ApplicationLogLevel": ["s", {"enum": ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]}], "SystemLogLevel": ["s", {"enum": ["DEBUG", "INFO", "WARN"]}], "LogGroup": ["s", {"min": 1}]}],
      CapacityProviderConfig: ["o", {"LambdaManagedInstancesCapacityProviderConfig": "LambdaManagedInstancesCapacityProviderConfig"}, ["LambdaManagedInstancesCapacityProviderConfig"]],
      LambdaManagedInstancesCapacityProviderConfig: ["o", {"CapacityProviderArn": ["s", {"min": 1}], "PerExecutionEnvironmentMaxConcurrency": ["n", {"min": 1, "max": 1600}], "ExecutionEnvironmentMemoryGiBPerVCpu": ["n", {"min": 2.0, "max": 8.0}]}, ["CapacityProviderArn"]],
      DurableConfig: ["o", {"RetentionPeriodInDays": ["n", {"min": 1, "max": 90}], "ExecutionTimeout": ["n", {"min": 1, "max": 31622400}]}],
      TenancyConfig: ["o", {"TenantIsolationMode": ["s", {"enum": ["PER_TENANT"]}]}, ["TenantIsolationMode"]],
      FunctionCodeLocation: ["o", {"RepositoryType": ["s"], "Location": ["s"], "ImageUri": ["s"], "ResolvedImageUri": ["s"], "SourceKMSKeyArn": ["s"]}],
      TagsError: ["o", {"ErrorCode": ["s", {"min": 10}], "Message": ["s", {"min": 84}]}, ["ErrorCode", "Message"]],
      Concurrency: ["o", {"ReservedConcurrentExecutions": ["n", {"min": 0}]}],
    },
  },
};
