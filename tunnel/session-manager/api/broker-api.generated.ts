/**
 * GENERATED FILE, DO NOT EDIT.
 *
 * Types of the Amazon DCV Session Manager Broker API, generated from
 * tunnel/session-manager/api/dcv-session-manager-api.yaml (OpenAPI 3.0, Apache-2.0, see NOTICE beside it)
 * sha256 06770367a5ed7b60ab7365023815cea3091750947a6a618b0d50c11646bea35d
 * by openapi-typescript. To regenerate after changing the definition:
 *
 *   node scripts/gen-broker-types.mjs
 *
 * generated.test.ts fails while this file differs from what that command writes.
 */
export interface paths {
    "/describeSessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finds all sessions
         * @description Find all sessions data
         */
        post: operations["describeSessions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/describeServers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finds all servers
         * @description Finds all servers data
         */
        post: operations["describeServers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/createSessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Creates new sessions
         * @description API that creates new sessions
         */
        post: operations["createSessions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deleteSessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deletes sessions
         * @description Deletes the sessions requested
         */
        post: operations["deleteSessions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sessionPermissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Update session permissions
         * @description API that update session permissions
         */
        put: operations["updateSessionPermissions"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sessionConnectionData/{sessionId}/{user}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Gets the information to connect to a session */
        get: operations["GetSessionConnectionData"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/getSessionScreenshots": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Gets session screenshots
         * @description Gets session screenshots
         */
        post: operations["getSessionScreenshots"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openServers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open a server for placement
         * @description Open a server for placement
         */
        post: operations["openServers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/closeServers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Close a server for placement
         * @description Close a server for placement
         */
        post: operations["closeServers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description A generic key/value pair */
        KeyValuePair: {
            /** @description The key of the pair */
            Key?: string;
            /** @description The value of the pair */
            Value?: string;
        };
        /** @description The entity representing a server in DCV Session Manager */
        Server: {
            /** @description The id of the server */
            Id?: string;
            /** @description The ip of the server */
            Ip?: string;
            /** @description The hostname of the server */
            Hostname?: string;
            /** @description The default DNS name of the server */
            DefaultDnsName?: string;
            /** @description The port where the server listens. This field is deprecated and replaced by PortTcp */
            Port?: string;
            /** @description The array representing DCV endpoints */
            Endpoints?: components["schemas"]["Endpoint"][];
            /** @description The server web url path */
            WebUrlPath?: string;
            /** @description The version of the server */
            Version?: string;
            /** @description The version of the session manager agent */
            SessionManagerAgentVersion?: string;
            /** @description The server availability */
            Availability?: string;
            /** @description The unavailability reason */
            UnavailabilityReason?: string;
            /**
             * Format: int32
             * @description The count of console session on the server
             */
            ConsoleSessionCount?: number;
            /**
             * Format: int32
             * @description The count of virtual session on the server
             */
            VirtualSessionCount?: number;
            Host?: components["schemas"]["Host"];
            /** @description The tags of the server */
            Tags?: components["schemas"]["KeyValuePair"][];
        };
        /** @description The entity representing an endpoint in DCV */
        Endpoint: {
            /** @description The address of the DCV endpoint */
            IpAddress?: string;
            /** @description The port of the DCV endpoint */
            Port?: number;
            /** @description The web url path of the DCV endpoint */
            WebUrlPath?: string;
            /** @description The protocol of the DCV endpoint */
            Protocol?: string;
        };
        /** @description The entity representing an host in DCV Session Manager */
        Host: {
            Os?: components["schemas"]["Os"];
            Memory?: components["schemas"]["Memory"];
            Swap?: components["schemas"]["Swap"];
            Aws?: components["schemas"]["Aws"];
            CpuInfo?: components["schemas"]["CpuInfo"];
            CpuLoadAverage?: components["schemas"]["CpuLoadAverage"];
            /** @description The array containing GPU information */
            Gpus?: components["schemas"]["Gpu"][];
            /** @description The array containing users information */
            LoggedInUsers?: components["schemas"]["LoggedInUser"][];
        };
        /** @description The metrics about the Os */
        Os: {
            /** @description The OS family */
            Family?: string;
            /** @description The name of the OS */
            Name?: string;
            /** @description The version of the OS */
            Version?: string;
            /** @description The version of the Kernel */
            KernelVersion?: string;
            /** @description The OS build number */
            BuildNumber?: string;
        };
        /** @description The metrics about memory */
        Memory: {
            /**
             * Format: int64
             * @description The total bytes
             */
            TotalBytes?: number;
            /**
             * Format: int64
             * @description The used bytes
             */
            UsedBytes?: number;
        };
        /** @description The metrics about swap */
        Swap: {
            /**
             * Format: int64
             * @description The total bytes
             */
            TotalBytes?: number;
            /**
             * Format: int64
             * @description The used bytes
             */
            UsedBytes?: number;
        };
        /** @description The entity representing cpu information */
        CpuInfo: {
            /** @description The vendor of the cpu */
            Vendor?: string;
            /** @description The model name of the cpu */
            ModelName?: string;
            /** @description The architecture of the cpu */
            Architecture?: string;
            /** @description The number of cpus */
            NumberOfCpus?: number;
            /** @description The physical core count per cpu */
            PhysicalCoresPerCpu?: number;
        };
        /** @description The entity representing cpu load average information */
        CpuLoadAverage: {
            /**
             * Format: float
             * @description The average load in the last minute of the cpu
             */
            OneMinute?: number;
            /**
             * Format: float
             * @description The average load in the last 5 minutes of the cpu
             */
            FiveMinutes?: number;
            /**
             * Format: float
             * @description The average load in the last 15 minutes of the cpu
             */
            FifteenMinutes?: number;
        };
        /** @description The entity representing gpu information */
        Gpu: {
            /** @description The vendor of the gpu */
            Vendor?: string;
            /** @description The model name of the gpu */
            ModelName?: string;
        };
        /** @description The entity representing the logged in user information */
        LoggedInUser: {
            /** @description The username of the logged in user */
            Username?: string;
        };
        /** @description The entity representing aws information */
        Aws: {
            /** @description The AWS region */
            Region?: string;
            /** @description The AWS EC2 instance type */
            EC2InstanceType?: string;
            /** @description The AWS EC2 instance id */
            EC2InstanceId?: string;
            /** @description The AWS EC2 image id */
            EC2ImageId?: string;
        };
        /** @description The entity that represents a session in DCV session manager */
        Session: {
            /** @description The id of the session */
            Id?: string;
            /**
             * @description The descriptive name of the session
             * @example test1
             */
            Name?: string;
            /**
             * @description The owner of the session
             * @example barbara
             */
            Owner?: string;
            /** @description The server in which the session is */
            Server?: components["schemas"]["Server"];
            /** @description The session type (Virtual or Console) */
            Type?: string;
            /**
             * Format: int64
             * @description The number of max concurrent clients that can log to a session
             */
            MaxConcurrentClients?: number;
            /** @description The session state */
            State?: string;
            /** @description The session substate */
            Substate?: string;
            /** @description The reason for the current state of the session */
            StateReason?: string;
            /**
             * Format: date-time
             * @description The session creation time
             */
            CreationTime?: string;
            /**
             * Format: date-time
             * @description The last session disconnection time
             */
            LastDisconnectionTime?: string;
            /**
             * Format: int64
             * @description The number of connection to this DCV session.
             */
            NumOfConnections?: number;
            /** @description Specifies the path to the folder used for session storage. */
            StorageRoot?: string;
        };
        /** @description The entity that represents the data that the user pass for describing the sessions */
        DescribeSessionsRequestData: {
            /** @description The session ids */
            SessionIds?: string[];
            /** @description The filters. Filters supported: owner, tag:key. 'owner' The session owner to filter by. 'tag:key' The key/value combination of a tag assigned to the server. Use the tag key in the filter name and the tag value as the filter value. For example, to find all sessions that have a tag with the key City and the value London , specify tag:City for the filter name and London for the filter value. */
            Filters?: components["schemas"]["KeyValuePair"][];
            /** @description Number of results to show, if provided must be between 1 and 1000 */
            MaxResults?: number;
            /** @description the pagination token */
            NextToken?: string;
        };
        /** @description The response to a describeSession request */
        DescribeSessionsResponse: {
            /** @description DescribeSessions request id */
            RequestId?: string;
            /** @description The array of sessions described */
            Sessions?: components["schemas"]["Session"][];
            /** @description The token used for pagination */
            NextToken?: string;
        };
        /** @description The entity that represents the data that the user pass for describing servers */
        DescribeServersRequestData: {
            /** @description The server ids */
            ServerIds?: string[];
            /** @description Number of results to show, if provided must be between 1 and 1000 */
            MaxResults?: number;
            /** @description the pagination token */
            NextToken?: string;
        };
        /** @description The response to a describeServers request */
        DescribeServersResponse: {
            /** @description DescribeServers request id */
            RequestId?: string;
            /** @description The array of servers described */
            Servers?: components["schemas"]["Server"][];
            /** @description The token used for pagination */
            NextToken?: string;
        };
        /** @description The entity that represents the data that the user pass for creating a session in DCV session manager, an array of those entry forms the createSessionsRequest */
        CreateSessionRequestData: {
            /**
             * @description The descriptive name of the session
             * @example test1
             */
            Name?: string;
            /**
             * @description The owner of the session
             * @example barbara
             */
            Owner?: string;
            /** @description The session type (Virtual or Console) */
            Type?: string;
            /** @description The property that specifies if dcv-gl is enabled */
            DcvGlEnabled?: boolean;
            /**
             * Format: int64
             * @description The number of max concurrent clients that can log to a session
             */
            MaxConcurrentClients?: number;
            /**
             * @deprecated
             * @description The init file path on the DCV host. This field is deprecated and replaced by InitFile
             */
            InitFilePath?: string;
            /** @description File on the DCV host to be used to initialize the session instead of the default. If it is not a simple filename, it must be a relative path to the init directory configured on the DCV host. */
            InitFile?: string;
            /** @description File on the DCV host to be automatically executed within the session. If it is not a simple filename, it must be a relative path to the autorun directory configured on the DCV host. */
            AutorunFile?: string;
            /** @description Command-line arguments to be passed to the file defined in AutorunFile when it is executed. */
            AutorunFileArguments?: string[];
            /** @description The permissions file */
            PermissionsFile?: string;
            /** @description The required tags for the session. Example: ram_gb = '4' and software='my software'. The escape char is ', example irish_name='o''neil' */
            Requirements?: string;
            /** @description The request is enqueued if no DCV server are available for placement. If this field is not set, the default is false. */
            EnqueueRequest?: boolean;
            /** @description Disable automatic retry of the request if session creation fails. If this field is not set, the default is false. */
            DisableRetryOnFailure?: boolean;
            /** @description Specifies the path to the folder used for session storage. */
            StorageRoot?: string;
        };
        /** @description Data representing an unsuccessful request */
        UnsuccessfulCreateSessionRequestData: {
            /** @description The data related to the failure request */
            CreateSessionRequestData?: components["schemas"]["CreateSessionRequestData"];
            /** @description The failure reason */
            FailureReason?: string;
        };
        /** @description The response to a createSessions request */
        CreateSessionsResponse: {
            /** @description CreateSessions request id */
            RequestId?: string;
            /** @description The array of sessions that are in process of being created */
            SuccessfulList?: components["schemas"]["Session"][];
            /** @description The array of sessions that cannot be created */
            UnsuccessfulList?: components["schemas"]["UnsuccessfulCreateSessionRequestData"][];
        };
        /** @description The successful response of a delete session */
        DeleteSessionSuccessfulResponse: {
            /** @description The session id */
            SessionId?: string;
            /** @description The session state */
            State?: string;
        };
        /** @description The unsuccessful response of a delete session */
        DeleteSessionUnsuccessfulResponse: {
            /** @description The session id */
            SessionId?: string;
            /** @description The failure reason */
            FailureReason?: string;
        };
        /** @description The successful response of a update session permissions */
        UpdateSessionPermissionsSuccessfulResponse: {
            /** @description The session id */
            SessionId?: string;
        };
        /** @description The unsuccessful response of a update session permissions */
        UpdateSessionPermissionsUnsuccessfulResponse: {
            /** @description The session id */
            SessionId?: string;
            /** @description The failure reason */
            FailureReason?: string;
        };
        /** @description The response to a deleteSessions request */
        DeleteSessionsResponse: {
            /** @description DeleteSessions request id */
            RequestId?: string;
            /** @description The array of sessions that are in process of being deleted */
            SuccessfulList?: components["schemas"]["DeleteSessionSuccessfulResponse"][];
            /** @description The array of sessions that cannot be deleted */
            UnsuccessfulList?: components["schemas"]["DeleteSessionUnsuccessfulResponse"][];
        };
        /** @description The entity that represents the data that the user pass for deleting a session in DCV session manager, an array of those entry forms the deleteSessionRequest */
        DeleteSessionRequestData: {
            /** @description The session id */
            SessionId?: string;
            /** @description The owner */
            Owner?: string;
            /**
             * @description The parameter to force a deletion
             * @default false
             */
            Force: boolean;
        };
        /** @description The entity that represents the data that the user pass for updating the permissions of a session in DCV session manager, an array of those entry forms the updateSessionPermissionsRequest */
        UpdateSessionPermissionsRequestData: {
            /** @description The session id */
            SessionId?: string;
            /** @description The owner */
            Owner?: string;
            /** @description The permissions file base64 encoded */
            PermissionsFile?: string;
        };
        /** @description The update session permission response */
        UpdateSessionPermissionsResponse: {
            /** @description UpdateSessionPermissions request id */
            RequestId?: string;
            /** @description The array of sessions that are in process of having the permissions updated */
            SuccessfulList?: components["schemas"]["UpdateSessionPermissionsSuccessfulResponse"][];
            /** @description The array of sessions that cannot have the permissions updated */
            UnsuccessfulList?: components["schemas"]["UpdateSessionPermissionsUnsuccessfulResponse"][];
        };
        /** @description The get session connection data response */
        GetSessionConnectionDataResponse: {
            /** @description Session to connect to */
            Session?: components["schemas"]["Session"];
            /** @description The token used to connect to the session */
            ConnectionToken?: string;
        };
        /** @description The entity that represents the data that the user pass for getting the session screenshot */
        GetSessionScreenshotRequestData: {
            /** @description The session id */
            SessionId?: string;
            /**
             * Format: int64
             * @description Screenshot maximum width in pixels
             */
            MaxWidth?: number | null;
            /**
             * Format: int64
             * @description Screenshot maximum height in pixels
             */
            MaxHeight?: number | null;
        };
        /** @description The response to a getSessionScreenshots request */
        GetSessionScreenshotsResponse: {
            /** @description GetSessionScreenshots request id */
            RequestId?: string;
            /** @description The array of session screenshots successfully retrieved */
            SuccessfulList?: components["schemas"]["GetSessionScreenshotSuccessfulResponse"][];
            /** @description The array of session screenshots that cannot be retrieved */
            UnsuccessfulList?: components["schemas"]["GetSessionScreenshotUnsuccessfulResponse"][];
        };
        /** @description The entity that represents a DCV session screenshot */
        GetSessionScreenshotSuccessfulResponse: {
            /** @description The session screenshot */
            SessionScreenshot?: components["schemas"]["SessionScreenshot"];
        };
        /** @description The entity that represents a DCV session screenshot */
        SessionScreenshot: {
            /** @description The id of the session */
            SessionId?: string;
            /** @description The array of session screenshots */
            Images?: components["schemas"]["SessionScreenshotImage"][];
        };
        /** @description Data representing a single DCV session screenshot */
        SessionScreenshotImage: {
            /**
             * @description The image format. Supported formats: jpeg, png
             * @example jpeg
             */
            Format?: string;
            /**
             * @description The base64 image data
             * @example 997987/8kgj49ikjhewkwwe0008084EXAMPLE
             */
            Data?: string;
            /**
             * Format: date-time
             * @description The session screen creation time
             */
            CreationTime?: string;
            /** @description Tells if the image belongs to the primary screen */
            Primary?: boolean;
        };
        /** @description Data representing an unsuccessful get session screenshot request */
        GetSessionScreenshotUnsuccessfulResponse: {
            /** @description The data related to the failure request */
            GetSessionScreenshotRequestData?: components["schemas"]["GetSessionScreenshotRequestData"];
            /** @description The failure reason */
            FailureReason?: string;
        };
        /** @description The entity that represents the data that the user pass to open a server */
        OpenServerRequestData: {
            /** @description The server id */
            ServerId?: string;
        };
        /** @description The response to an openServers request */
        OpenServersResponse: {
            /** @description OpenServers request id */
            RequestId?: string;
            /** @description The array of servers successfully open */
            SuccessfulList?: components["schemas"]["OpenServerSuccessfulResponse"][];
            /** @description The array of servers that cannot be open */
            UnsuccessfulList?: components["schemas"]["OpenServerUnsuccessfulResponse"][];
        };
        /** @description Data representing a successful open server request */
        OpenServerSuccessfulResponse: {
            /** @description The server id */
            ServerId?: string;
        };
        /** @description Data representing an unsuccessful open server request */
        OpenServerUnsuccessfulResponse: {
            /** @description The data related to the failure request */
            OpenServerRequestData?: components["schemas"]["OpenServerRequestData"];
            /** @description The failure code */
            FailureCode?: string;
            /** @description The failure reason */
            FailureReason?: string;
        };
        /** @description The entity that represents the data that the user pass to close a server */
        CloseServerRequestData: {
            /** @description The server id */
            ServerId?: string;
            /** @description Force the close operation, if force is false the server is close only if no sessions are sunning on it. Defaults to false if not provided */
            Force?: boolean;
        };
        /** @description The response to a closeServers request */
        CloseServersResponse: {
            /** @description CloseServers request id */
            RequestId?: string;
            /** @description The array of servers successfully closed */
            SuccessfulList?: components["schemas"]["CloseServerSuccessfulResponse"][];
            /** @description The array of servers that cannot be closed */
            UnsuccessfulList?: components["schemas"]["CloseServerUnsuccessfulResponse"][];
        };
        /** @description Data representing a successful close server request */
        CloseServerSuccessfulResponse: {
            /** @description The server id */
            ServerId?: string;
        };
        /** @description Data representing an unsuccessful close server request */
        CloseServerUnsuccessfulResponse: {
            /** @description The data related to the failure request */
            CloseServerRequestData?: components["schemas"]["CloseServerRequestData"];
            /** @description The failure code */
            FailureCode?: string;
            /** @description The failure reason */
            FailureReason?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    describeSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Describe sessions request data */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["DescribeSessionsRequestData"];
            };
        };
        responses: {
            /** @description successful operation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DescribeSessionsResponse"];
                };
            };
        };
    };
    describeServers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Describe servers request data */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["DescribeServersRequestData"];
            };
        };
        responses: {
            /** @description successful operation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DescribeServersResponse"];
                };
            };
        };
    };
    createSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Sessions to create */
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateSessionRequestData"][];
            };
        };
        responses: {
            /** @description Successful operation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreateSessionsResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    deleteSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Sessions to delete */
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeleteSessionRequestData"][];
            };
        };
        responses: {
            /** @description Successful operation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeleteSessionsResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    updateSessionPermissions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Sessions to update */
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateSessionPermissionsRequestData"][];
            };
        };
        responses: {
            /** @description Successful operation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UpdateSessionPermissionsResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GetSessionConnectionData: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Session id to get connection details for */
                sessionId: string;
                /** @description User to get the connection token for */
                user: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description successful operation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetSessionConnectionDataResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getSessionScreenshots: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description GetSessionScreenshots request data */
        requestBody: {
            content: {
                "application/json": components["schemas"]["GetSessionScreenshotRequestData"][];
            };
        };
        responses: {
            /** @description successful operation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetSessionScreenshotsResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    openServers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description OpenServers request data */
        requestBody: {
            content: {
                "application/json": components["schemas"]["OpenServerRequestData"][];
            };
        };
        responses: {
            /** @description successful operation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenServersResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    closeServers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description CloseServers request data */
        requestBody: {
            content: {
                "application/json": components["schemas"]["CloseServerRequestData"][];
            };
        };
        responses: {
            /** @description successful operation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloseServersResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
